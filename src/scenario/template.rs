//! The commented template written by `ehcsim init`, and the reference of
//! every key, both generated from the parameter registry.
//!
//! The template lists every key a scenario file may hold, each set to the
//! built-in default ([`super::Scenario::default`], the medium county of
//! docs/model.md), so that deleting any line changes nothing. A test
//! checks that loading it gives exactly the defaults.

use std::sync::LazyLock;

/// A scenario file listing every parameter with its default.
pub static TEMPLATE: LazyLock<String> = LazyLock::new(super::registry::render::template);

/// The reference of every scenario key, as committed in `docs/parameters.md`.
pub fn parameters_reference() -> String {
    super::registry::render::reference()
}

#[cfg(test)]
mod tests {
    use super::{parameters_reference, TEMPLATE};
    use crate::scenario::{load_str, Scenario};
    use std::path::Path;

    #[test]
    fn template_loads_to_exactly_the_defaults() {
        let s = match load_str(&TEMPLATE, Path::new("template.toml")) {
            Ok(s) => s,
            Err(e) => panic!("template does not load:\n{e}\n{}", *TEMPLATE),
        };
        assert_eq!(s.name, "my-scenario");
        let want = Scenario {
            name: s.name.clone(),
            description: String::new(),
            ..Scenario::default()
        };
        assert_eq!(*s, want);
    }

    #[test]
    fn template_mentions_every_key() {
        for p in crate::scenario::registry::scenario_params() {
            let line = format!("\n{} =", p.leaf());
            let commented = format!("\n# {} =", p.leaf());
            let header = format!("[[{}]]", p.key);
            assert!(
                TEMPLATE.contains(&line)
                    || TEMPLATE.contains(&commented)
                    || TEMPLATE.contains(&header),
                "template lacks `{}`",
                p.key
            );
        }
    }

    /// `docs/parameters.md` is what the code generates. To regenerate it:
    /// `EHCSIM_WRITE_DOCS=1 cargo test --lib parameters_reference`.
    #[test]
    fn parameters_reference_is_up_to_date() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/parameters.md");
        let want = parameters_reference();
        if std::env::var_os("EHCSIM_WRITE_DOCS").is_some() {
            if let Err(e) = std::fs::write(&path, &want) {
                panic!("{}: {e}", path.display());
            }
        }
        let got = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            got == want,
            "docs/parameters.md differs from the registry; regenerate it with\n  EHCSIM_WRITE_DOCS=1 cargo test --lib parameters_reference"
        );
    }
}
