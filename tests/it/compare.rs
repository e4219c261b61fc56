//! The semantic diff on the real agreements in `../shared/corpus/real`
//! (none has front matter): a file compared with itself is empty, and
//! compared with nothing every item is added.

use alliance::compare::compare;
use alliance::document::Alliance;

use crate::common;

#[test]
#[ignore = "needs ../shared/corpus/real"]
fn real_agreements_compare_as_alliances() {
    let dir = common::real_corpus();
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("corpus") {
        let path = entry.expect("entry").path();
        let Ok(doc) = Alliance::parse(&path, std::fs::read(&path).expect("read")) else {
            continue;
        };
        let same = compare(&doc, &doc);
        assert!(same.is_empty(), "{}: {same:?}", path.display());

        let empty = Alliance::parse_text(&path, String::new());
        let counts = compare(&empty, &doc).counts();
        let items = doc
            .items()
            .filter(|(_, i)| !i.text.trim().is_empty() || !i.fields.is_empty())
            .count();
        assert!(
            counts.added >= items,
            "{}: {counts:?} for {items} items",
            path.display()
        );
        assert_eq!(
            counts.removed + counts.reworded + counts.moved,
            0,
            "{}",
            path.display()
        );
        seen += 1;
    }
    assert!(seen > 10, "only {seen} agreements read");
}
