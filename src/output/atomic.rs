//! Atomic file writing and output-folder checks.
//!
//! Every output file is written to a temporary file in its own folder
//! (`.weekly.csv.XXXXXX.tmp`), flushed and synced, and only then renamed over
//! the final name. A rename within one folder is atomic, so a reader, a
//! failure or a kill midway sees either the earlier complete file or the new
//! complete file, never a partial one. A temporary file left by a kill keeps
//! its dot-name and never takes a final name.
//!
//! A set of files cannot be renamed into place in one step, so a set is
//! made checkable instead: [`write_all`](super::write_all) stages every file,
//! then removes the old manifest, renames the data files and renames the new
//! manifest (which records each file's size and SHA-256) last. See
//! [`verify`](super::verify).

use super::OutputError;
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// A writer that passes bytes on while counting and hashing them.
#[derive(Debug)]
struct Hashing<W> {
    inner: W,
    bytes: u64,
    hasher: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A file being written, not yet under its final name.
///
/// Write with [`AtomicFile::writer`], then [`AtomicFile::commit`]. Dropping
/// it without committing deletes the temporary file and leaves whatever was
/// under the final name untouched.
#[derive(Debug)]
pub struct AtomicFile {
    path: PathBuf,
    temp: Hashing<BufWriter<NamedTempFile>>,
}

impl AtomicFile {
    /// Starts writing `path`: creates a temporary file beside it.
    pub fn create(path: &Path) -> Result<Self, OutputError> {
        let dir = parent_dir(path);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_string());
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        {
            // tempfile's default 0600 would make outputs private to the
            // user; ask for 0666 and let the umask decide, as `File::create`
            // does.
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let temp = builder
            .tempfile_in(dir)
            .map_err(|source| OutputError::Write {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            temp: Hashing {
                inner: BufWriter::new(temp),
                bytes: 0,
                hasher: Sha256::new(),
            },
        })
    }

    /// The final name.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where to write the contents (buffered).
    pub fn writer(&mut self) -> &mut dyn Write {
        &mut self.temp
    }

    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.temp.bytes
    }

    /// Lower-case hex SHA-256 of the bytes written so far.
    pub fn sha256(&self) -> String {
        super::manifest::hex(&self.temp.hasher.clone().finalize())
    }

    /// Flushes and syncs the contents, still under the temporary name. After
    /// this only the rename in [`AtomicFile::commit`] is left.
    pub(crate) fn finish(&mut self) -> Result<(), OutputError> {
        self.temp
            .flush()
            .and_then(|()| self.temp.inner.get_ref().as_file().sync_all())
            .map_err(|source| OutputError::Write {
                path: self.path.clone(),
                source,
            })
    }

    /// Flushes, syncs and renames the file into place, replacing any earlier
    /// file of the same name.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        self.finish()?;
        self.persist()
    }

    /// Renames a finished file into place.
    pub(crate) fn persist(self) -> Result<PathBuf, OutputError> {
        let AtomicFile { path, temp } = self;
        let temp = temp.inner.into_inner().map_err(|e| OutputError::Write {
            path: path.clone(),
            source: e.into_error(),
        })?;
        temp.persist(&path).map_err(|e| OutputError::Write {
            path: path.clone(),
            source: e.error,
        })?;
        sync_dir(parent_dir(&path));
        Ok(path)
    }
}

/// Writes `path` atomically with the contents produced by `write`. If
/// `write` fails, nothing under `path` changes.
pub fn write_atomic<F>(path: &Path, write: F) -> Result<PathBuf, OutputError>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let mut file = AtomicFile::create(path)?;
    write(file.writer()).map_err(|source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    file.commit()
}

/// Makes sure `dir` is a folder that outputs can be written to: creates it
/// (and its parents) if missing, proves it writable by creating and removing
/// a temporary file, and checks that none of `final_names` (file names
/// within `dir`) is a folder, a link to a folder or a dangling symbolic
/// link, any of which would fail only when the files are renamed into place.
/// Call it before a long run, so that a bad output folder fails in
/// milliseconds.
pub fn prepare_dir(dir: &Path, final_names: &[&str]) -> Result<(), OutputError> {
    if let Some(target) = dangling_link(dir) {
        return Err(OutputError::DanglingLink {
            path: dir.to_path_buf(),
            target,
        });
    }
    match fs::metadata(dir) {
        Ok(meta) if !meta.is_dir() => {
            return Err(OutputError::NotADirectory {
                path: dir.to_path_buf(),
            })
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(|source| OutputError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        Err(source) => {
            return Err(OutputError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })
        }
    }
    let probe = tempfile::Builder::new()
        .prefix(".ehcsim-write-check.")
        .tempfile_in(dir)
        .map_err(|source| OutputError::NotWritable {
            path: dir.to_path_buf(),
            source,
        })?;
    probe.close().map_err(|source| OutputError::NotWritable {
        path: dir.to_path_buf(),
        source,
    })?;
    for name in final_names {
        check_final_name(&dir.join(name))?;
    }
    Ok(())
}

/// Checks that a file can later be renamed over `path`: nothing there, or a
/// file, or a link to a file (the rename replaces the link itself).
pub fn check_final_name(path: &Path) -> Result<(), OutputError> {
    if let Some(target) = dangling_link(path) {
        return Err(OutputError::DanglingLink {
            path: path.to_path_buf(),
            target,
        });
    }
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(OutputError::FinalNameIsDirectory {
            path: path.to_path_buf(),
        }),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(OutputError::Write {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The target of `path` if it is a symbolic link whose target does not
/// exist.
pub fn dangling_link(path: &Path) -> Option<PathBuf> {
    let meta = fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_symlink() {
        return None;
    }
    match fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Some(fs::read_link(path).unwrap_or_default())
        }
        _ => None,
    }
}

/// Removes the file at `path` if there is one (a missing file is fine) and
/// syncs its folder.
pub(crate) fn remove_if_present(path: &Path) -> Result<(), OutputError> {
    match fs::remove_file(path) {
        Ok(()) => {
            sync_dir(parent_dir(path));
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(OutputError::Write {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The folder holding `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Syncs a folder so a rename in it survives a power cut. Best effort:
/// not every platform or file system allows opening a folder.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        write_atomic(&path, |w| w.write_all(b"one\n")).unwrap();
        write_atomic(&path, |w| w.write_all(b"two\n")).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "two\n");
        assert_eq!(entries(dir.path()), ["a.csv"]);
    }

    #[test]
    fn failure_midway_keeps_the_earlier_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        fs::write(&path, "good\n").unwrap();
        // Enough to overflow the BufWriter, so partial bytes reach the disk.
        let big = vec![b'x'; 100_000];
        let err = write_atomic(&path, |w| {
            w.write_all(&big)?;
            Err(io::Error::other("injected failure"))
        })
        .unwrap_err();
        assert!(matches!(&err, OutputError::Write { path: p, .. } if *p == path));
        assert!(err.to_string().contains("a.csv"));
        assert_eq!(fs::read_to_string(&path).unwrap(), "good\n");
        assert_eq!(entries(dir.path()), ["a.csv"]);
    }

    #[cfg(unix)]
    #[test]
    fn outputs_are_not_private_to_the_user() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        write_atomic(&path, |w| w.write_all(b"x")).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        let plain = dir.path().join("b.csv");
        fs::write(&plain, "x").unwrap();
        let plain_mode = fs::metadata(&plain).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, plain_mode);
    }

    #[test]
    fn prepare_dir_creates_missing_parents() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x").join("y");
        prepare_dir(&out, &["a.csv"]).unwrap();
        assert!(out.is_dir());
        assert!(entries(&out).is_empty(), "probe file left behind");
        prepare_dir(&out, &["a.csv"]).unwrap();
    }

    #[test]
    fn prepare_dir_on_a_file_fails_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("results.csv");
        fs::write(&file, "x").unwrap();
        let err = prepare_dir(&file, &[]).unwrap_err();
        assert!(matches!(err, OutputError::NotADirectory { .. }));
        let msg = err.to_string();
        assert!(
            msg.contains("results.csv") && msg.contains("not a folder"),
            "{msg}"
        );
        // A folder below a file cannot be created either.
        let err = prepare_dir(&file.join("sub"), &[]).unwrap_err();
        assert!(err.to_string().contains("sub"), "{err}");
    }

    #[test]
    fn prepare_dir_refuses_a_folder_at_a_final_name() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("weekly.csv")).unwrap();
        let err = prepare_dir(dir.path(), &["summary.csv", "weekly.csv"]).unwrap_err();
        assert!(matches!(err, OutputError::FinalNameIsDirectory { .. }));
        assert!(err.to_string().contains("weekly.csv"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn dangling_links_are_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("weekly.csv");
        std::os::unix::fs::symlink(dir.path().join("gone"), &link).unwrap();
        let err = prepare_dir(dir.path(), &["weekly.csv"]).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("symbolic link") && msg.contains("gone") && msg.contains("does not exist"),
            "{msg}"
        );
        let out = dir.path().join("out");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &out).unwrap();
        let msg = prepare_dir(&out, &[]).unwrap_err().to_string();
        assert!(
            msg.contains("nowhere") && !msg.contains("os error"),
            "{msg}"
        );
        // A link to a file is fine: the rename replaces the link.
        let real = dir.path().join("real.csv");
        fs::write(&real, "x").unwrap();
        let ok = dir.path().join("ok.csv");
        std::os::unix::fs::symlink(&real, &ok).unwrap();
        check_final_name(&ok).unwrap();
    }
}
