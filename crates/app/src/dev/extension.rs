//! The theme app extension the simulator's online store renders (DESIGN §7): the repository's
//! `extensions/gridprice-calculator/` when this binary runs where it was built (edits show on
//! the next page load), else the copy compiled into the binary, written to the data directory.

use std::path::{Path, PathBuf};

use super::{io_error, DevError};

/// The extension's folder name, as Shopify CLI expects it.
pub const HANDLE: &str = "gridprice-calculator";

/// Where the build found the extension.
const SOURCE_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../extensions/gridprice-calculator"
);

macro_rules! files {
    ($($path:literal),+ $(,)?) => {
        &[$(($path, include_bytes!(concat!("../../../../extensions/gridprice-calculator/", $path)))),+]
    };
}

/// Every file of the extension, by path inside it (a test checks the list is complete).
pub const FILES: &[(&str, &[u8])] = files![
    "shopify.extension.toml",
    "README.md",
    "blocks/calculator.liquid",
    "assets/gridprice-calculator.js",
    "locales/en.default.json",
    "locales/en.default.schema.json",
    "locales/de.json",
    "locales/de.schema.json",
];

/// The extension's folder for the simulator.
pub fn dir(data_dir: &Path) -> Result<PathBuf, DevError> {
    let source = Path::new(SOURCE_DIR);
    if source.join("shopify.extension.toml").is_file() {
        return Ok(source.to_path_buf());
    }
    write_copy(data_dir)
}

/// Writes the compiled copy under `data_dir/extensions/`.
fn write_copy(data_dir: &Path) -> Result<PathBuf, DevError> {
    let copy = data_dir.join("extensions").join(HANDLE);
    for (path, bytes) in FILES {
        let file = copy.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
        }
        std::fs::write(&file, bytes).map_err(|e| io_error(&file, e))?;
    }
    Ok(copy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read the extension") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                let relative = path.strip_prefix(root).expect("inside the extension");
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }

    #[test]
    fn the_compiled_copy_is_the_whole_extension() {
        let root = Path::new(SOURCE_DIR);
        let mut on_disk = Vec::new();
        walk(root, root, &mut on_disk);
        on_disk.sort();
        let mut compiled: Vec<String> = FILES.iter().map(|(p, _)| (*p).to_owned()).collect();
        compiled.sort();
        assert_eq!(
            compiled, on_disk,
            "list every file of the extension in FILES"
        );
        for (path, bytes) in FILES {
            assert_eq!(std::fs::read(root.join(path)).unwrap(), *bytes, "{path}");
        }
    }

    #[test]
    fn the_copy_is_the_source_file_for_file() {
        let data = tempfile::tempdir().unwrap();
        let copy = write_copy(data.path()).unwrap();
        let (mut written, mut source) = (Vec::new(), Vec::new());
        walk(&copy, &copy, &mut written);
        walk(Path::new(SOURCE_DIR), Path::new(SOURCE_DIR), &mut source);
        written.sort();
        source.sort();
        assert_eq!(written, source);
        for path in &written {
            assert_eq!(
                std::fs::read(copy.join(path)).unwrap(),
                std::fs::read(Path::new(SOURCE_DIR).join(path)).unwrap(),
                "{path}"
            );
        }
    }
}
