//! Which revisions a move between two points runs through, in order (Alembic's
//! `iterate_revisions` with `_collect_upgrade_revisions` / `_collect_downgrade_revisions`).

use super::RevisionGraph;
use super::resolve::{ErrorKind, GraphError, Ident, Point};
use super::set::NodeSet;
use crate::words::Target;

type Result<T> = std::result::Result<T, GraphError>;

/// How to read the two ends of a selection.
#[derive(Clone, Copy, Debug, Default)]
pub struct Selection {
    /// Include the lower end itself (history ranges do).
    pub inclusive: bool,
    /// Revisions below the lower end on other branches count as not applied (upgrades do).
    pub implicit_base: bool,
    /// `+N`/`-N` must find N revisions (history ranges may stop short).
    pub allow_short_relative: bool,
}

impl RevisionGraph {
    /// Revisions from `lower` up to `upper`, newest first (upgrades run them in reverse).
    pub fn select_upgrade(&self, upper: Ident<'_>, lower: Ident<'_>, how: Selection) -> Result<Vec<usize>> {
        let (revisions, targets) = self.collect_upgrade(upper, lower, how)?;
        Ok(self.topological_sort(&revisions, &targets))
    }

    /// Revisions to undo from `upper` (what is applied) down to `lower`, in the order to undo them.
    pub fn select_downgrade(&self, upper: Ident<'_>, lower: Option<&str>, how: Selection) -> Result<Vec<usize>> {
        let (revisions, heads) = self.collect_downgrade(upper, lower, how)?;
        Ok(self.topological_sort(&revisions, &heads))
    }

    fn collect_downgrade(
        &self,
        upper: Ident<'_>,
        lower: Option<&str>,
        how: Selection,
    ) -> Result<(NodeSet, Vec<usize>)> {
        let (branch, target) = self.parse_downgrade_target(upper, lower, !how.allow_short_relative)?;
        let target = match target {
            Point::Rev(index) => Some(index),
            Point::Base | Point::Nothing => None,
        };
        let mut roots: Vec<usize> = match target {
            None => self.bases.clone(),
            Some(index) if how.inclusive => vec![index],
            Some(index) => self.nodes[index].children.clone(),
        };
        if let Some(branch) = &branch
            && roots.len() > 1
        {
            let anchor = self.resolve_branch(branch)?;
            let ancestors = self.ancestors(&[anchor], false);
            roots.retain(|&r| ancestors.contains(r));
            if roots.is_empty() {
                return Err(GraphError::other(Target::NotADowngradeTarget {
                    target: lower.unwrap_or("base").to_owned(),
                }));
            }
        }
        let heads: Vec<usize> = self.get_revisions(upper)?.into_iter().filter_map(Point::revision).collect();
        let mut selected = self.descendants(&roots, true);
        let active = self.ancestors(&heads, true);
        selected.intersect_with(&active);
        if how.implicit_base {
            let mut below_roots = active.clone();
            below_roots.subtract(&self.ancestors(&roots, true));
            selected.union_with(&below_roots);
        }
        if let Some(index) = target
            && selected.is_empty()
            && !heads.contains(&index)
        {
            let (id, applied) = (self.id(index).to_owned(), self.names_of(upper));
            return Err(GraphError::of_kind(ErrorKind::RangeNotAncestor, Target::NotBelowApplied { id, applied }));
        }
        Ok((selected, heads))
    }

    fn collect_upgrade(
        &self,
        upper_ident: Ident<'_>,
        lower: Ident<'_>,
        how: Selection,
    ) -> Result<(NodeSet, Vec<usize>)> {
        let assert_relative_length = !how.allow_short_relative;
        let upper_names = upper_ident.names().join(", ");
        let upper = upper_names.as_str();
        let points = match upper_ident {
            Ident::Spec(spec) => self.parse_upgrade_target(lower, spec, assert_relative_length)?,
            Ident::Rows(_) => self.get_revisions(upper_ident)?,
        };
        let mut targets = Vec::new();
        for point in points {
            match point {
                Point::Rev(index) => targets.push(index),
                _ => return Err(GraphError::other(Target::NothingToUpgradeTo { upper: upper.to_owned() })),
            }
        }
        if let Ident::Spec(spec) = lower
            && let Some((branch, _)) = spec.split_once('@')
        {
            let label = self.branch_label_of(branch)?;
            targets.retain(|&t| self.carries_label(t, &label));
        }
        let mut required = self.ancestors_checked(&targets)?;
        targets.iter().for_each(|&t| {
            required.insert(t);
        });

        let mut lower_spec = match lower {
            Ident::Spec(spec) => Some(spec.to_owned()),
            Ident::Rows(_) => None,
        };
        let mut current = self.get_revisions(lower)?;
        if !how.implicit_base {
            let stray = current.iter().find_map(|&p| match p {
                Point::Rev(c) if !required.contains(c) => Some(self.id(c)),
                Point::Base => Some("base"),
                _ => None,
            });
            if let Some(stray) = stray {
                return Err(self.not_ancestor(lower, upper, stray));
            }
        }
        if current.first() == Some(&Point::Nothing) {
            let spec = lower_spec.clone().unwrap_or_default();
            let (_, point) = self.parse_downgrade_target(upper_ident, Some(&spec), assert_relative_length)?;
            match point {
                Point::Rev(index) => {
                    current = vec![Point::Rev(index)];
                    lower_spec = Some(self.id(index).to_owned());
                }
                _ => {
                    current = Vec::new();
                    lower_spec = None;
                }
            }
        }
        if current.iter().any(|p| p.revision().is_none()) {
            return Err(GraphError::other(Target::StepsPastFirst { lower: lower_spec.clone() }));
        }
        let current: Vec<usize> = current.into_iter().filter_map(Point::revision).collect();
        let mut current_set = self.ancestors_checked(&current)?;
        current.iter().for_each(|&c| {
            current_set.insert(c);
        });
        let mut needs = required;
        needs.subtract(&current_set);
        if how.inclusive {
            let lower_points = match (&lower_spec, lower) {
                (_, Ident::Rows(rows)) => self.get_revisions(Ident::Rows(rows))?,
                (Some(spec), _) => self.get_revisions(Ident::Spec(spec))?,
                (None, _) => Vec::new(),
            };
            lower_points.into_iter().filter_map(Point::revision).for_each(|r| {
                needs.insert(r);
            });
        }
        if !current.is_empty() && !how.implicit_base {
            needs.intersect_with(&self.descendants_checked(&current)?);
        }
        Ok((needs, targets))
    }

    /// The label `branch@...` stands for, when `branch` is a revision id rather than a label.
    fn branch_label_of(&self, branch: &str) -> Result<String> {
        match self.get_revision(Some(branch))? {
            Point::Rev(index) if self.id(index) == branch => match self.labels_of(index).as_slice() {
                [label] => Ok((*label).to_owned()),
                _ => Err(GraphError::other(Target::NeedsOneLabel { branch: branch.to_owned() })),
            },
            _ => Ok(branch.to_owned()),
        }
    }

    fn names_of(&self, ident: Ident<'_>) -> Vec<String> {
        ident.names().into_iter().map(str::to_owned).collect()
    }

    fn not_ancestor(&self, lower: Ident<'_>, upper: &str, stray: &str) -> GraphError {
        let reason =
            Target::NotOneLine { lower: self.names_of(lower), upper: upper.to_owned(), stray: stray.to_owned() };
        GraphError::of_kind(ErrorKind::RangeNotAncestor, reason)
    }
}
