//! The commented template written by `ehcsim init`.

/// A scenario file listing every parameter with its default.
pub const TEMPLATE: &str = "# (stub)\n";
