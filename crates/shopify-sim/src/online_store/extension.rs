//! A theme app extension read from disk, as Shopify CLI lays it out: `shopify.extension.toml`,
//! `blocks/*.liquid` (each with a `{% schema %}`), `locales/*.json`, `assets/*`. It is read on
//! every use, so edits show up on the next page load, as with `shopify app dev`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// Largest file read from the extension (Shopify's own limits are far lower for Liquid and
/// locales; assets may be larger but the calculator's is tiny).
const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;
/// Shopify enforces at most 30 blocks per extension.
const MAX_BLOCKS: usize = 30;
/// Shopify enforces at most 100 locale files per extension.
const MAX_LOCALES: usize = 100;

/// Why the extension could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ExtensionError {
    #[error("no theme app extension is configured (SimConfig::theme_extension_dir)")]
    NotConfigured,
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is larger than {MAX_FILE_BYTES} bytes")]
    TooLarge { path: PathBuf },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// One app block: its Liquid without the schema, and the schema.
#[derive(Debug, Clone)]
pub struct Block {
    /// The file name without `.liquid`: what `addAppBlockId={api_key}/{handle}` names.
    pub handle: String,
    pub source: String,
    pub schema: Value,
}

impl Block {
    /// The templates the block may be added to (`enabled_on.templates`); `None` means any.
    pub fn templates(&self) -> Option<Vec<String>> {
        let list = self
            .schema
            .get("enabled_on")?
            .get("templates")?
            .as_array()?;
        Some(
            list.iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect(),
        )
    }

    /// Settings as a block starts with: each `default`, `false` for a checkbox without one,
    /// nothing for the rest (Liquid sees `nil`, as on Shopify).
    pub fn default_settings(&self) -> Map<String, Value> {
        let mut settings = Map::new();
        let list = self.schema.get("settings").and_then(Value::as_array);
        for setting in list.into_iter().flatten() {
            let Some(id) = setting.get("id").and_then(Value::as_str) else {
                continue;
            };
            let value = match setting.get("default") {
                Some(default) => default.clone(),
                None if setting.get("type").and_then(Value::as_str) == Some("checkbox") => {
                    Value::Bool(false)
                }
                None => Value::Null,
            };
            settings.insert(id.to_owned(), value);
        }
        settings
    }
}

/// The extension as read from its directory.
#[derive(Debug, Clone)]
pub struct Extension {
    pub dir: PathBuf,
    pub handle: String,
    pub name: String,
    pub blocks: BTreeMap<String, Block>,
    /// Storefront locale files by name (`en.default`, `de`).
    locales: BTreeMap<String, Value>,
    /// Schema locale files by name (`en.default.schema` → `en.default`).
    schema_locales: BTreeMap<String, Value>,
}

fn read(path: &Path) -> Result<String, ExtensionError> {
    let io = |source| ExtensionError::Io {
        path: path.to_owned(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ExtensionError::TooLarge {
            path: path.to_owned(),
        });
    }
    std::fs::read_to_string(path).map_err(io)
}

fn invalid(path: &Path, message: impl Into<String>) -> ExtensionError {
    ExtensionError::Invalid {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// Files of `dir` ending in `suffix`, sorted, as (stem, path). A missing folder is empty.
fn files(dir: &Path, suffix: &str, limit: usize) -> Result<Vec<(String, PathBuf)>, ExtensionError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(ExtensionError::Io {
                path: dir.to_owned(),
                source,
            })
        }
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| ExtensionError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(suffix) {
            found.push((stem.to_owned(), entry.path()));
        }
    }
    if found.len() > limit {
        return Err(invalid(dir, format!("more than {limit} files")));
    }
    found.sort();
    Ok(found)
}

/// The value of `key = "value"` in a flat TOML file (all `shopify.extension.toml` needs here).
fn toml_string(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        if k.trim() != key {
            return None;
        }
        let v = v.trim();
        let v = v.split_once(" #").map_or(v, |(v, _)| v).trim();
        Some(v.strip_prefix('"')?.strip_suffix('"')?.to_owned())
    })
}

/// Finds `{% name %}` (with optional `-` trim markers) at or after `from`: (start, end).
fn find_tag(source: &str, name: &str, from: usize) -> Option<(usize, usize)> {
    let mut at = from;
    while let Some(offset) = source.get(at..)?.find("{%") {
        let start = at + offset;
        let end = start + source[start..].find("%}")? + 2;
        let inner = source[start + 2..end - 2]
            .trim_start_matches('-')
            .trim_end_matches('-')
            .trim();
        if inner == name {
            return Some((start, end));
        }
        at = start + 2;
    }
    None
}

/// Splits a block file into its Liquid and its `{% schema %}` JSON.
pub fn split_schema(path: &Path, source: &str) -> Result<(String, Value), ExtensionError> {
    let (open_start, open_end) =
        find_tag(source, "schema", 0).ok_or_else(|| invalid(path, "no {% schema %} tag"))?;
    let (close_start, close_end) = find_tag(source, "endschema", open_end)
        .ok_or_else(|| invalid(path, "{% schema %} without {% endschema %}"))?;
    if find_tag(source, "schema", close_end).is_some() {
        return Err(invalid(path, "more than one {% schema %} tag"));
    }
    let schema: Value = serde_json::from_str(&source[open_end..close_start])
        .map_err(|e| invalid(path, format!("the schema is not valid JSON: {e}")))?;
    if !schema.is_object() {
        return Err(invalid(path, "the schema must be a JSON object"));
    }
    let mut liquid = String::with_capacity(source.len());
    liquid.push_str(&source[..open_start]);
    liquid.push_str(&source[close_end..]);
    Ok((liquid, schema))
}

/// Follows a dotted key (`blocks.calculator.name`) through nested JSON objects.
pub fn lookup<'a>(root: &'a Value, key: &str) -> Option<&'a Value> {
    key.split('.').try_fold(root, |node, part| node.get(part))
}

impl Extension {
    pub fn load(dir: &Path) -> Result<Self, ExtensionError> {
        let toml_path = dir.join("shopify.extension.toml");
        let toml = read(&toml_path)?;
        if toml_string(&toml, "type").as_deref() != Some("theme") {
            return Err(invalid(&toml_path, "type must be \"theme\""));
        }
        let dir_name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let handle = toml_string(&toml, "handle").unwrap_or(dir_name);
        let name = toml_string(&toml, "name").unwrap_or_else(|| handle.clone());
        let mut blocks = BTreeMap::new();
        for (stem, path) in files(&dir.join("blocks"), ".liquid", MAX_BLOCKS)? {
            let (source, schema) = split_schema(&path, &read(&path)?)?;
            blocks.insert(
                stem.clone(),
                Block {
                    handle: stem,
                    source,
                    schema,
                },
            );
        }
        let mut locales = BTreeMap::new();
        let mut schema_locales = BTreeMap::new();
        for (stem, path) in files(&dir.join("locales"), ".json", MAX_LOCALES)? {
            let value: Value = serde_json::from_str(&read(&path)?)
                .map_err(|e| invalid(&path, format!("not valid JSON: {e}")))?;
            match stem.strip_suffix(".schema") {
                Some(locale) => schema_locales.insert(locale.to_owned(), value),
                None => locales.insert(stem, value),
            };
        }
        Ok(Self {
            dir: dir.to_owned(),
            handle,
            name,
            blocks,
            locales,
            schema_locales,
        })
    }

    /// The storefront strings for `locale` (`de`, `de-DE`), then the default locale's.
    pub fn translations(&self, locale: &str) -> (Option<&Value>, Option<&Value>) {
        pick(&self.locales, locale)
    }

    /// A block's name for the merchant, with `t:` keys resolved in the schema locale files.
    pub fn block_name(&self, block: &Block, locale: &str) -> String {
        let name = block
            .schema
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(&block.handle);
        let Some(key) = name.strip_prefix("t:") else {
            return name.to_owned();
        };
        let (primary, fallback) = pick(&self.schema_locales, locale);
        [primary, fallback]
            .into_iter()
            .flatten()
            .find_map(|root| lookup(root, key).and_then(Value::as_str))
            .unwrap_or(key)
            .to_owned()
    }

    /// The path of `assets/{file}`, when `file` is a plain file name that exists.
    pub fn asset(&self, file: &str) -> Option<PathBuf> {
        let plain = !file.is_empty()
            && file.len() <= 200
            && !file.starts_with('.')
            && file
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        let path = self.dir.join("assets").join(file);
        (plain && path.is_file()).then_some(path)
    }
}

/// The locale file for `locale` (exact, then its language) and the default one (`*.default`).
fn pick<'a>(
    files: &'a BTreeMap<String, Value>,
    locale: &str,
) -> (Option<&'a Value>, Option<&'a Value>) {
    let default = files
        .iter()
        .find(|(name, _)| name.ends_with(".default"))
        .map(|(_, v)| v);
    let language = locale.split('-').next().unwrap_or(locale);
    let primary = [locale, language].into_iter().find_map(|l| {
        files.get(l).or_else(|| {
            files
                .iter()
                .find(|(name, _)| name.strip_suffix(".default") == Some(l))
                .map(|(_, v)| v)
        })
    });
    (primary, default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_the_schema_off() {
        let src = "<p>{{ x }}</p>\n{%- schema -%}\n{\"name\":\"A\",\"target\":\"section\"}\n{% endschema %}\n";
        let (liquid, schema) = split_schema(Path::new("b.liquid"), src).unwrap();
        assert_eq!(liquid, "<p>{{ x }}</p>\n\n");
        assert_eq!(schema["name"], "A");
        assert!(split_schema(Path::new("b"), "<p></p>").is_err());
        assert!(split_schema(Path::new("b"), "{% schema %}{").is_err());
        assert!(split_schema(Path::new("b"), "{% schema %}[1]{% endschema %}").is_err());
        assert!(split_schema(
            Path::new("b"),
            "{% schema %}{}{% endschema %}{% schema %}{}{% endschema %}"
        )
        .is_err());
    }

    #[test]
    fn reads_flat_toml() {
        let toml =
            "# c\nname = \"Gridprice calculator\"\ntype = \"theme\" # the kind\nhandle=\"gp\"\n";
        assert_eq!(toml_string(toml, "name").unwrap(), "Gridprice calculator");
        assert_eq!(toml_string(toml, "type").unwrap(), "theme");
        assert_eq!(toml_string(toml, "handle").unwrap(), "gp");
        assert_eq!(toml_string(toml, "uid"), None);
    }

    #[test]
    fn picks_locales() {
        let mut files = BTreeMap::new();
        files.insert("en.default".to_owned(), Value::from("en"));
        files.insert("de".to_owned(), Value::from("de"));
        assert_eq!(pick(&files, "de-AT").0.unwrap(), "de");
        assert_eq!(pick(&files, "en").0.unwrap(), "en");
        assert_eq!(pick(&files, "fr").0, None);
        assert_eq!(pick(&files, "fr").1.unwrap(), "en");
    }
}
