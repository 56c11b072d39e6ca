//! Every revision's schema model and the history's analysis, made in one walk along the
//! graph. Each model is kept as deflated JSON: on a long history the models (every added
//! object's whole definition) were most of the studio's memory, while a request needs one of
//! them (a revision's page) or all of them as JSON (`/api/models`), and the history's counts
//! are taken on the way.

use crate::history_walk;
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use std::io::{Read, Write};
use std::time::Instant;
use strata_shared::api::ProjectAnalysis;
use strata_shared::graph::RevisionGraph;
use strata_shared::schema::RevisionModel;

pub struct StoredModels {
    /// Indexed like the graph.
    deflated: Vec<Box<[u8]>>,
    pub analysis: ProjectAnalysis,
}

impl StoredModels {
    /// Replays `graph`'s history once: each model counted into the analysis, then stored.
    pub fn of(graph: &RevisionGraph) -> Self {
        let started = Instant::now();
        let mut deflated: Vec<Box<[u8]>> = vec![Box::default(); graph.len()];
        let mut analysis = ProjectAnalysis::default();
        history_walk::walk(
            graph,
            |_| true,
            None,
            |index, model, own| {
                let own = own.map(|own| own.rules).unwrap_or_default();
                analysis.add(&graph.node(index).revision, &model, own);
                deflated[index] = deflate(&serde_json::to_vec(&model).expect("models serialize"));
            },
        );
        analysis.milliseconds = started.elapsed().as_secs_f64() * 1000.0;
        StoredModels { deflated, analysis }
    }

    /// The model of the revision at graph `index`.
    pub fn model(&self, index: usize) -> RevisionModel {
        serde_json::from_slice(&self.json(index)).expect("stored models read back")
    }

    /// The models of `indices`, in that order, as one JSON array.
    pub fn json_array(&self, indices: impl IntoIterator<Item = usize>) -> Vec<u8> {
        let mut array = vec![b'['];
        for (n, index) in indices.into_iter().enumerate() {
            if n > 0 {
                array.push(b',');
            }
            array.extend(self.json(index));
        }
        array.push(b']');
        array
    }

    fn json(&self, index: usize) -> Vec<u8> {
        let mut json = Vec::new();
        DeflateDecoder::new(&self.deflated[index][..]).read_to_end(&mut json).expect("stored models inflate");
        json
    }
}

fn deflate(json: &[u8]) -> Box<[u8]> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(json).expect("deflate into memory");
    encoder.finish().expect("deflate into memory").into_boxed_slice()
}
