//! Outputs: CSV files, the manifest and terminal tables. (Stub: being written.)
