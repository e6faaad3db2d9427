from niochat.system.changelog import parse

TEXT = """# Changelog

## [Unreleased]
### Added
- coming soon

## [1.2.0] - 2026-11-20
### Added
- a thing that is
  described on two lines
### Fixed
- a bug

## [1.1.0] - 2026-10-01
### Removed
- old stuff
"""


def test_versions_sections_and_wrapped_items():
    parsed = parse(TEXT)
    assert parsed["current_version"] == "1.2.0"
    assert [v["version"] for v in parsed["versions"]] == ["Unreleased", "1.2.0", "1.1.0"]
    release = parsed["versions"][1]
    assert release["date"] == "2026-11-20"
    assert release["changes"] == {"added": ["a thing that is described on two lines"], "fixed": ["a bug"]}


def test_empty_changelog():
    assert parse("# Changelog\n") == {"current_version": None, "versions": []}
