//! The schema model over the whole sample project: nothing left unmodelled, every downgrade
//! reverses its upgrade, and one revision's model alone equals the one from the full replay.

use strata_shared::project::{Project, SourceFile};
use strata_shared::schema::Replayer;

fn sample() -> Project {
    let versions = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/versions");
    let files = std::fs::read_dir(&versions)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            SourceFile { path: format!("versions/{}", path.file_name().unwrap().to_string_lossy()), text }
        })
        .collect();
    Project::load(files)
}

#[test]
fn the_sample_is_fully_modelled_and_its_downgrades_reverse() {
    let project = sample();
    assert!(project.diagnostics.is_empty(), "{:?}", project.diagnostics);
    let graph = &project.graph;
    let all = Replayer::new(graph).model_all();
    assert_eq!(all.len(), graph.len());
    let changing = all.iter().filter(|m| !m.changes.is_empty()).count();
    assert_eq!(changing, 33, "all but the two merges and the data migration change the schema");
    for (index, model) in all.iter().enumerate() {
        assert_eq!(model.revision, graph.id(index));
        assert_eq!(model.not_modelled, [], "{}", model.revision);
        assert_eq!(model.downgrade_differences, [], "{}", model.revision);
        assert_eq!(Replayer::new(graph).model_of(index), *model, "{} alone", model.revision);
    }
}
