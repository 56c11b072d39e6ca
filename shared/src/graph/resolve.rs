//! Target specs, resolved as Alembic resolves them: full ids, unique prefixes, branch labels,
//! `head`, `heads`, `base`, `label@head`, `label@base`, relative steps (`+N`, `-N`, `rev+N`,
//! `label@+N`, `label@rev-N`). Ported from Alembic's `RevisionMap`; the errors say what to
//! type instead.

use super::RevisionGraph;
use crate::words::{Lang, Target};
use std::fmt;

/// Where a spec lands: a revision, below every base (`base`), or nowhere in particular
/// (Alembic's `None`: "no revision", e.g. an empty database).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Point {
    Nothing,
    Base,
    Rev(usize),
}

impl Point {
    pub fn revision(self) -> Option<usize> {
        match self {
            Point::Rev(index) => Some(index),
            _ => None,
        }
    }
}

/// What a caller names: one spec typed by a person, or the rows of a version table.
#[derive(Clone, Copy, Debug)]
pub enum Ident<'a> {
    Spec(&'a str),
    Rows(&'a [String]),
}

impl<'a> Ident<'a> {
    /// The names it holds, as Alembic's `util.to_tuple` sees them.
    pub fn names(self) -> Vec<&'a str> {
        match self {
            Ident::Spec(spec) => vec![spec],
            Ident::Rows(rows) => rows.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `head` (or `label@head`) names several heads.
    MultipleHeads,
    /// No revision or branch by that name, or the name is ambiguous.
    Resolution,
    /// The two ends of a range are not on one line of history.
    RangeNotAncestor,
    Other,
}

/// A spec or a request the graph cannot honour, and why (worded in `words::Target`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError {
    pub kind: ErrorKind,
    pub reason: Target,
    /// The specs as the user typed them, where the reason names only a part (`nosuch` of
    /// `nosuch@head`).
    in_specs: Vec<String>,
}

impl GraphError {
    pub fn other(reason: Target) -> Self {
        Self { kind: ErrorKind::Other, reason, in_specs: Vec::new() }
    }

    pub(super) fn of_kind(kind: ErrorKind, reason: Target) -> Self {
        Self { kind, reason, in_specs: Vec::new() }
    }

    fn resolution(reason: Target) -> Self {
        Self::of_kind(ErrorKind::Resolution, reason)
    }

    fn in_spec(mut self, spec: &str) -> Self {
        if !self.message().contains(&format!("`{spec}`")) {
            self.in_specs.push(spec.to_owned());
        }
        self
    }

    /// The message in `lang`.
    pub fn words(&self, lang: Lang) -> String {
        let mut text = self.reason.words(lang);
        for spec in &self.in_specs {
            text.push_str(&match lang {
                Lang::En => format!(" (in `{spec}`)"),
                Lang::Es => format!(" (en `{spec}`)"),
            });
        }
        text
    }

    /// In English (the command line's, the log's).
    pub fn message(&self) -> String {
        self.words(Lang::En)
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for GraphError {}

type Result<T> = std::result::Result<T, GraphError>;

/// A relative spec: `[branch@][symbol](+|-)N` (Alembic's `_relative_destination`, which only
/// anchors at the start).
pub(super) struct Relative<'a> {
    pub branch: Option<&'a str>,
    pub symbol: Option<&'a str>,
    pub steps: i64,
    pub text: &'a str,
}

pub(super) fn parse_relative(spec: &str) -> Option<Relative<'_>> {
    // The branch part is lazy: the first `@` after which the rest matches wins.
    let splits = spec.match_indices('@').map(|(at, _)| (Some(&spec[..at]), &spec[at + 1..]));
    for (branch, rest) in splits.filter(|(b, _)| b.is_some_and(|b| !b.is_empty())).chain([(None, spec)]) {
        let symbol_end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        let (symbol, tail) = rest.split_at(symbol_end);
        let Some(sign) = tail.chars().next().filter(|c| *c == '+' || *c == '-') else { continue };
        let digits_end = tail[1..].find(|c: char| !c.is_ascii_digit()).map_or(tail.len(), |end| end + 1);
        if digits_end == 1 {
            continue;
        }
        let Ok(magnitude) = tail[1..digits_end].parse::<i64>() else { continue };
        let steps = if sign == '-' { -magnitude } else { magnitude };
        let symbol = (!symbol.is_empty()).then_some(symbol);
        return Some(Relative { branch, symbol, steps, text: &tail[..digits_end] });
    }
    None
}

impl RevisionGraph {
    /// The branch labels there are, sorted (a hint in messages).
    fn labels(&self) -> Vec<String> {
        let mut labels: Vec<String> = self.by_label.keys().cloned().collect();
        labels.sort_unstable();
        labels
    }

    fn multiple_heads(&self, heads: &[String], argument: &str) -> GraphError {
        let reason =
            Target::SeveralHeads { argument: argument.to_owned(), heads: heads.to_vec(), labels: self.labels() };
        GraphError::of_kind(ErrorKind::MultipleHeads, reason)
    }

    /// Alembic's `_resolve_revision_number`: the ids a spec stands for, and its branch label.
    pub(super) fn resolve_revision_number<'s>(&self, spec: Option<&'s str>) -> Result<(Vec<String>, Option<&'s str>)> {
        let Some(spec) = spec else { return Ok((Vec::new(), None)) };
        let (branch, id) = match spec.split_once('@') {
            Some((branch, id)) => (Some(branch), id),
            None => (None, spec),
        };
        match id {
            // An empty label (`@head`) is no label, as Alembic's truthiness has it.
            "heads" => match branch.filter(|b| !b.is_empty()) {
                Some(branch) => {
                    let heads = self.filter_for_lineage(&self.heads, branch, false)?;
                    Ok((self.ids(heads), Some(branch)))
                }
                None => Ok((self.ids(self.real_heads.iter().copied()), None)),
            },
            "head" => Ok((
                self.current_head(branch.filter(|b| !b.is_empty()))?
                    .map(|h| self.id(h).to_owned())
                    .into_iter()
                    .collect(),
                branch,
            )),
            "base" => Ok((Vec::new(), branch)),
            "" => Err(GraphError::resolution(Target::NothingAfterAt { spec: spec.to_owned() })),
            _ => Ok((vec![id.to_owned()], branch)),
        }
    }

    /// The one head (of `branch`, if given), or an error naming the choices.
    pub fn current_head(&self, branch: Option<&str>) -> Result<Option<usize>> {
        let heads = match branch {
            Some(branch) => self.filter_for_lineage(&self.heads, branch, false)?,
            None => self.heads.clone(),
        };
        if heads.len() > 1 {
            let argument = branch.map_or("head".to_owned(), |b| format!("{b}@head"));
            return Err(self.multiple_heads(&self.ids(heads), &argument));
        }
        Ok(heads.first().copied())
    }

    /// Alembic's `get_revisions`: everything a spec (or a set of rows) names.
    pub fn get_revisions(&self, ident: Ident<'_>) -> Result<Vec<Point>> {
        let spec = match ident {
            Ident::Spec(spec) => spec,
            Ident::Rows(rows) => {
                let mut all = Vec::new();
                for row in rows {
                    all.extend(self.get_revisions(Ident::Spec(row))?);
                }
                return Ok(all);
            }
        };
        self.get_revisions_of(spec).map_err(|error| error.in_spec(spec))
    }

    fn get_revisions_of(&self, spec: &str) -> Result<Vec<Point>> {
        let (ids, branch) = self.resolve_revision_number(Some(spec))?;
        if let [only] = ids.as_slice()
            && let Ok(steps) = only.parse::<i64>()
            && steps < 0
        {
            let mut heads = self.get_revisions(Ident::Spec("heads"))?;
            if let Some(branch) = branch {
                heads.retain(|h| h.revision().is_some_and(|i| self.carries_label(i, branch)));
            }
            return heads.into_iter().map(|head| self.walk(head, steps, None, true)).collect();
        }
        ids.iter().map(|id| self.revision_for_ident(Some(id), branch)).collect()
    }

    /// Alembic's `get_revision`: a spec that must name at most one revision.
    pub fn get_revision(&self, spec: Option<&str>) -> Result<Point> {
        self.get_revision_of(spec).map_err(|error| match spec {
            Some(spec) => error.in_spec(spec),
            None => error,
        })
    }

    fn get_revision_of(&self, spec: Option<&str>) -> Result<Point> {
        let (ids, branch) = self.resolve_revision_number(spec)?;
        if ids.len() > 1 {
            return Err(self.multiple_heads(&ids, spec.unwrap_or("")));
        }
        self.revision_for_ident(ids.first().map(String::as_str), branch)
    }

    /// A branch label, or else any revision name, as the anchor of `label@...`.
    pub(super) fn resolve_branch(&self, label: &str) -> Result<usize> {
        if let Some(&index) = self.by_label.get(label).or_else(|| self.by_id.get(label)) {
            return Ok(index);
        }
        match self.revision_for_ident(Some(label), None) {
            Ok(Point::Rev(index)) => Ok(index),
            _ => Err(GraphError::resolution(Target::NoSuchName {
                name: label.to_owned(),
                labels: self.labels(),
                short: false,
            })),
        }
    }

    /// Alembic's `_revision_for_ident`: an exact id or label, else a unique prefix.
    fn revision_for_ident(&self, id: Option<&str>, branch: Option<&str>) -> Result<Point> {
        let branch = branch.filter(|b| !b.is_empty());
        let branch_revision = branch.map(|b| self.resolve_branch(b)).transpose()?;
        let Some(id) = id else { return Ok(Point::Nothing) };
        let index = match self.by_id.get(id).or_else(|| self.by_label.get(id)) {
            Some(&index) => index,
            None => self.revision_for_prefix(id, branch)?,
        };
        if let (Some(branch), Some(anchor)) = (branch, branch_revision)
            && !self.shares_lineage(index, &[anchor], false)
        {
            let (id, branch) = (self.id(index).to_owned(), branch.to_owned());
            return Err(GraphError::resolution(Target::NotOnBranch { id, branch }));
        }
        Ok(Point::Rev(index))
    }

    fn revision_for_prefix(&self, prefix: &str, branch: Option<&str>) -> Result<usize> {
        // Ids first, then labels, as Alembic's map holds them; keys shorter than 4 never match.
        let mut keys: Vec<(&str, usize)> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id(), i))
            .chain(self.sorted_labels())
            .filter(|(key, _)| key.len() > 3 && key.starts_with(prefix))
            .collect();
        if let Some(branch) = branch {
            let candidates: Vec<usize> = keys.iter().map(|&(_, i)| i).collect();
            let kept = self.filter_for_lineage(&candidates, branch, false)?;
            keys.retain(|(_, i)| kept.contains(i));
        }
        match keys.as_slice() {
            [] => Err(GraphError::resolution(Target::NoSuchName {
                name: prefix.to_owned(),
                labels: Vec::new(),
                short: prefix.len() < 4,
            })),
            [(_, index)] => Ok(*index),
            several => {
                let keys = several.iter().map(|(key, _)| (*key).to_owned()).collect();
                Err(GraphError::resolution(Target::AmbiguousPrefix { prefix: prefix.to_owned(), keys }))
            }
        }
    }

    fn sorted_labels(&self) -> Vec<(&str, usize)> {
        let mut labels: Vec<(&str, usize)> = self.by_label.iter().map(|(l, &i)| (l.as_str(), i)).collect();
        labels.sort_unstable();
        labels
    }

    /// Alembic's `filter_for_lineage`: the targets on the same line of history as `check_against`.
    pub(super) fn filter_for_lineage(
        &self,
        targets: &[usize],
        check_against: &str,
        with_deps: bool,
    ) -> Result<Vec<usize>> {
        let (ids, branch) = self.resolve_revision_number(Some(check_against))?;
        // Like Alembic, the names are only looked up when there is something to filter.
        if targets.is_empty() || (branch.is_none() && ids.is_empty()) {
            return Ok(targets.to_vec());
        }
        let mut shares = Vec::new();
        for name in branch.into_iter().chain(ids.iter().map(String::as_str)) {
            if let Point::Rev(index) = self.revision_for_ident(Some(name), None)? {
                shares.push(index);
            }
        }
        Ok(targets.iter().copied().filter(|&t| self.shares_lineage(t, &shares, with_deps)).collect())
    }

    /// The targets on the same line of history as `spec`, following `depends_on` too.
    pub fn filter_lineage_with_dependencies(&self, targets: &[usize], spec: &str) -> Result<Vec<usize>> {
        self.filter_for_lineage(targets, spec, true)
    }

    /// True if `target` is an ancestor or a descendant of (or is) any of `against`.
    pub(super) fn shares_lineage(&self, target: usize, against: &[usize], with_deps: bool) -> bool {
        let mut lineage = self.descendants(&[target], with_deps);
        lineage.union_with(&self.ancestors(&[target], with_deps));
        against.iter().any(|&a| lineage.contains(a))
    }

    /// Alembic's `_walk`: `steps` revisions up (positive) or down (negative) from `start`.
    pub(super) fn walk(&self, start: Point, steps: i64, branch: Option<&str>, no_overwalk: bool) -> Result<Point> {
        let mut current = start;
        for _ in 0..steps.unsigned_abs() {
            let candidates: Vec<Point> = if steps > 0 {
                let up: Vec<usize> = match current {
                    Point::Nothing => self.bases.clone(),
                    Point::Rev(index) => self.nodes[index].children.clone(),
                    Point::Base => return Err(GraphError::other(Target::UpFromBelowBases)),
                };
                let up = match branch {
                    Some(branch) => self.filter_for_lineage(&up, branch, false)?,
                    None => up,
                };
                up.into_iter().map(Point::Rev).collect()
            } else {
                match current {
                    Point::Base => Vec::new(),
                    Point::Nothing => self.heads.iter().copied().map(Point::Rev).collect(),
                    Point::Rev(index) if self.nodes[index].down.is_empty() => vec![Point::Base],
                    Point::Rev(index) => self.nodes[index].down.iter().copied().map(Point::Rev).collect(),
                }
            };
            match candidates.as_slice() {
                [] => return Ok(if no_overwalk { Point::Nothing } else { current }),
                [next] => current = *next,
                several => {
                    let choices = several.iter().filter_map(|p| p.revision()).map(|i| self.id(i).to_owned()).collect();
                    let from = self
                        .id(match current {
                            Point::Rev(i) => i,
                            _ => several[0].revision().unwrap_or(0),
                        })
                        .to_owned();
                    return Err(GraphError::other(Target::AmbiguousStep { choices, from }));
                }
            }
        }
        Ok(current)
    }

    fn too_few_steps(&self, relative: &Relative<'_>) -> GraphError {
        GraphError::other(Target::TooFewSteps {
            relative: relative.text.to_owned(),
            steps: relative.steps.unsigned_abs(),
        })
    }

    /// Alembic's `_parse_downgrade_target`: the branch label and the revision a downgrade target names.
    pub(super) fn parse_downgrade_target(
        &self,
        current: Ident<'_>,
        target: Option<&str>,
        assert_relative_length: bool,
    ) -> Result<(Option<String>, Point)> {
        let Some(target) = target else { return Ok((None, Point::Nothing)) };
        if let Some(relative) = parse_relative(target) {
            let branch = relative.branch.map(str::to_owned);
            if relative.steps >= 0 {
                let Some(symbol) = relative.symbol else { return Err(self.too_few_steps(&relative)) };
                let start = self.get_revision(Some(symbol))?;
                let point = self.walk(start, relative.steps, relative.branch, assert_relative_length)?;
                if point == Point::Nothing {
                    return Err(GraphError::other(Target::PastTheEnd { target: target.to_owned() }));
                }
                return Ok((branch, point));
            }
            let relative_to_current = relative.symbol.is_none();
            let (branch, symbol) = match (relative.branch, relative.symbol) {
                (_, Some(symbol)) => (branch, symbol.to_owned()),
                (Some(branch), None) => (Some(branch.to_owned()), self.current_on_branch(current, branch)?),
                (None, None) => {
                    let names = current.names();
                    let Some(first) = names.first() else { return Err(self.too_few_steps(&relative)) };
                    // Alembic steps down from the first current head, as if it were a branch.
                    (Some((*first).to_owned()), (*first).to_owned())
                }
            };
            let start = match &branch {
                None => self.get_revision(Some(&symbol))?,
                Some(branch) => self.get_revision(Some(&format!("{branch}@{symbol}")))?,
            };
            let point = self.walk(start, relative.steps, None, assert_relative_length)?;
            if point == Point::Nothing {
                return Err(if relative_to_current {
                    self.too_few_steps(&relative)
                } else {
                    GraphError::other(Target::PastTheBase { target: target.to_owned() })
                });
            }
            return Ok((branch, point));
        }
        let (branch, symbol) = match target.rsplit_once('@') {
            Some((branch, symbol)) => ((!branch.is_empty()).then(|| branch.to_owned()), symbol),
            None => (None, target),
        };
        Ok((branch, self.get_revision(Some(symbol))?))
    }

    /// For `label@-N` with no revision named: the current revision on that branch.
    fn current_on_branch(&self, current: Ident<'_>, branch: &str) -> Result<String> {
        let rows: Vec<usize> = self.get_revisions(current)?.into_iter().filter_map(Point::revision).collect();
        let mut on_branch = self.filter_for_lineage(&rows, branch, false)?;
        if on_branch.is_empty() {
            let all_current = self.all_current(&rows);
            on_branch = self.filter_for_lineage(&all_current, branch, false)?;
        }
        match on_branch.as_slice() {
            [one] => Ok(self.id(*one).to_owned()),
            [] => Err(GraphError::other(Target::NothingOnBranch { branch: branch.to_owned() })),
            _ => Err(GraphError::other(Target::SeveralOnBranch { branch: branch.to_owned() })),
        }
    }

    /// Alembic's `_get_all_current`: the applied revisions, reduced to the tips of their branches.
    pub fn all_current(&self, rows: &[usize]) -> Vec<usize> {
        let applied = self.ancestors(rows, true);
        let members: Vec<usize> = applied.iter().collect();
        members
            .iter()
            .copied()
            .filter(|&rev| {
                let mut beyond = self.descendants(&[rev], false);
                beyond.remove(rev);
                !members.iter().any(|&m| beyond.contains(m))
            })
            .collect()
    }

    /// Alembic's `_parse_upgrade_target`: the revisions an upgrade target names.
    pub(super) fn parse_upgrade_target(
        &self,
        current: Ident<'_>,
        target: &str,
        assert_relative_length: bool,
    ) -> Result<Vec<Point>> {
        let Some(relative) = parse_relative(target) else { return self.get_revisions(Ident::Spec(target)) };
        if relative.steps > 0 {
            let Some(symbol) = relative.symbol else {
                let start = self.relative_upgrade_start(current, relative.branch)?;
                let point = self.walk(start, relative.steps, relative.branch, assert_relative_length)?;
                if point == Point::Nothing {
                    return Err(self.too_few_steps(&relative));
                }
                return Ok(vec![point]);
            };
            let start = self.get_revision(Some(symbol))?;
            return Ok(vec![self.walk(start, relative.steps, relative.branch, assert_relative_length)?]);
        }
        let Some(symbol) = relative.symbol else { return Err(self.too_few_steps(&relative)) };
        let start = match relative.branch {
            None => self.get_revision(Some(symbol))?,
            Some(branch) => self.get_revision(Some(&format!("{branch}@{symbol}")))?,
        };
        Ok(vec![self.walk(start, relative.steps, None, assert_relative_length)?])
    }

    /// Where `+N` (or `label@+N`) starts: the current revision (on that branch).
    fn relative_upgrade_start(&self, current: Ident<'_>, branch: Option<&str>) -> Result<Point> {
        let names = current.names();
        let Some(branch) = branch else {
            return match names.as_slice() {
                [] => Ok(Point::Nothing),
                [one] => self.get_revision(Some(one)),
                _ => Err(GraphError::other(Target::AmbiguousPlusN)),
            };
        };
        let rows: Vec<usize> = self.get_revisions(current)?.into_iter().filter_map(Point::revision).collect();
        let mut starts = self.filter_for_lineage(&rows, branch, false)?;
        if starts.is_empty() {
            let active: Vec<usize> = self.ancestors(&rows, true).iter().collect();
            let active_on_branch = self.filter_for_lineage(&active, branch, false)?;
            starts = active_on_branch
                .iter()
                .copied()
                .filter(|&rev| !active_on_branch.iter().any(|&other| self.nodes[other].normalized_down.contains(&rev)))
                .collect();
        }
        match starts.as_slice() {
            [] => Ok(Point::Nothing),
            [one] => Ok(Point::Rev(*one)),
            _ => Err(GraphError::other(Target::AmbiguousBranchPlusN { branch: branch.to_owned() })),
        }
    }
}
