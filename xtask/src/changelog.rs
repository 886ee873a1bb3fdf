//! Recording the vendored `info.version` in CHANGELOG.md.
//!
//! The client exposes the version as `API_VERSION`, generated from the
//! document; the changelog tells users when it moved. One line under
//! `## Unreleased` says which version the next release carries, so a
//! second regen before a release replaces that line instead of adding one.

/// The start of the line this module owns.
const PREFIX: &str = "- API spec updated to info.version ";

/// The start of the hand-written entry the changelog began with; replaced
/// the same way, so that `## Unreleased` names one version only.
const FIRST_ENTRY: &str = "- API spec: `info.version` ";

/// `changelog` (or a new one when `None`) with the `## Unreleased` entry
/// for `version` added or replaced.
pub fn record(changelog: Option<&str>, version: &str) -> String {
    let entry = format!("{PREFIX}{version}");
    let Some(text) = changelog else {
        return format!("# Changelog\n\n## Unreleased\n\n{entry}\n");
    };
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let heading = lines.iter().position(|l| is_unreleased(l));
    match heading {
        Some(start) => {
            let end = lines[start + 1..]
                .iter()
                .position(|l| l.starts_with("## "))
                .map_or(lines.len(), |i| start + 1 + i);
            if let Some(existing) = lines[start + 1..end]
                .iter()
                .position(|l| l.starts_with(PREFIX) || l.starts_with(FIRST_ENTRY))
            {
                lines[start + 1 + existing] = entry;
            } else {
                // After the heading and its blank line, ahead of the other entries.
                let mut at = start + 1;
                if lines.get(at).is_some_and(|l| l.trim().is_empty()) {
                    at += 1;
                } else {
                    lines.insert(at, String::new());
                    at += 1;
                }
                let next_is_entry = lines
                    .get(at)
                    .is_some_and(|l| !l.trim().is_empty() && !l.starts_with("## "));
                lines.insert(at, entry);
                if !next_is_entry && lines.get(at + 1).is_some_and(|l| l.starts_with("## ")) {
                    lines.insert(at + 1, String::new());
                }
            }
        }
        None => {
            // Above the first release heading, or at the end.
            let block = [
                "## Unreleased".to_string(),
                String::new(),
                entry,
                String::new(),
            ];
            match lines.iter().position(|l| l.starts_with("## ")) {
                Some(at) => {
                    lines.splice(at..at, block);
                }
                None => {
                    if lines.last().is_some_and(|l| !l.trim().is_empty()) {
                        lines.push(String::new());
                    }
                    lines.extend(block);
                    lines.pop();
                }
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn is_unreleased(line: &str) -> bool {
    line.trim_end().strip_prefix("## ").is_some_and(|rest| {
        rest.trim_matches(|c| c == '[' || c == ']')
            .eq_ignore_ascii_case("unreleased")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_changelog_is_created() {
        assert_eq!(
            record(None, "v2"),
            "# Changelog\n\n## Unreleased\n\n- API spec updated to info.version v2\n"
        );
    }

    #[test]
    fn the_entry_goes_first_under_unreleased() {
        let before = "# Changelog\n\n## Unreleased\n\n- Added retries\n\n## 0.1.0\n\n- First\n";
        assert_eq!(
            record(Some(before), "v2"),
            "# Changelog\n\n## Unreleased\n\n- API spec updated to info.version v2\n- Added retries\n\n## 0.1.0\n\n- First\n"
        );
    }

    #[test]
    fn an_existing_entry_is_replaced() {
        let before = "# Changelog\n\n## Unreleased\n\n- API spec updated to info.version v1\n- Added retries\n";
        let after = record(Some(before), "v2");
        assert_eq!(after, "# Changelog\n\n## Unreleased\n\n- API spec updated to info.version v2\n- Added retries\n");
        assert_eq!(record(Some(&after), "v2"), after);
    }

    #[test]
    fn the_first_hand_written_entry_is_replaced() {
        let before = "# Changelog\n\nIntro.\n\n## Unreleased\n\n- API spec: `info.version` v1 (one operation).\n- `nebius-tokenfactory-api`: the client.\n";
        assert_eq!(
            record(Some(before), "v2"),
            "# Changelog\n\nIntro.\n\n## Unreleased\n\n- API spec updated to info.version v2\n- `nebius-tokenfactory-api`: the client.\n"
        );
    }

    #[test]
    fn an_entry_in_a_released_section_is_left_alone() {
        let before = "# Changelog\n\n## 0.1.0\n\n- API spec updated to info.version v1\n";
        assert_eq!(
            record(Some(before), "v2"),
            "# Changelog\n\n## Unreleased\n\n- API spec updated to info.version v2\n\n## 0.1.0\n\n- API spec updated to info.version v1\n"
        );
    }

    #[test]
    fn an_empty_unreleased_section_gets_the_entry() {
        let before = "# Changelog\n\n## Unreleased\n\n## 0.1.0\n";
        assert_eq!(
            record(Some(before), "v2"),
            "# Changelog\n\n## Unreleased\n\n- API spec updated to info.version v2\n\n## 0.1.0\n"
        );
        assert_eq!(
            record(Some("# Changelog\n"), "v2"),
            "# Changelog\n\n## Unreleased\n\n- API spec updated to info.version v2\n"
        );
    }
}
