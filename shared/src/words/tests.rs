use super::*;

/// One of each entry. The match without a wildcard makes a new message fail to compile
/// here until it is added to the list.
fn every_message() -> Vec<Message> {
    let text = || "x".to_owned();
    let all = vec![
        Message::PlanChangedSinceShown,
        Message::NotProposed { environment: text(), need: 2 },
        Message::NotApproved(every_blocker()),
        Message::ProposalTaken,
        Message::RunLocked { holder: text() },
        Message::RunChanged,
        Message::BackupFailed { cause: Cause::Theirs(text()) },
        Message::RehearsalFailedToRun { cause: Message::Trouble(Trouble::CannotDropCopy { cause: text() }).into() },
        Message::Trouble(Trouble::NoPgDump { major: 17 }),
        Message::Target(crate::graph::GraphError::other(Target::AmbiguousPlusN)),
        Message::ServerFailed,
        Message::NoSuchEndpoint,
        Message::NoRevision { id: text() },
        Message::NoEnvironment { name: text() },
        Message::NoProposal,
        Message::ProposalAlreadyRan { run_id: text() },
        Message::AuthorMayNotApprove,
        Message::AlreadyApproved,
        Message::ApprovalsFrom { environment: text(), roles: vec![Role::Approver] },
        Message::RunNeedsFingerprint,
        Message::RehearsalNeedsFingerprint,
        Message::RehearsalNeedsSandbox,
        Message::FolderHasErrors,
        Message::RoleMayNot { role: Role::Viewer, deed: Deed::RunOrStamp },
        Message::SignInFirst,
        Message::MissingCsrfToken,
        Message::WrongNameOrPassword,
        Message::SignInThrottled { seconds: 3 },
        Message::TooManySignIns,
        Message::TooManyStreams { most: 4 },
        Message::TooLong { field: Field::Comment, limit: 10 },
        Message::FirstRunLinkInvalid,
        Message::AccountExists,
        Message::DatabaseUnreachable { cause: text() },
        Message::EnvironmentBusy { environment: text(), connections: 2 },
        Message::UnknownAuditFormat { format: text() },
        Message::CannotTellDrift { cause: Cause::Theirs(text()) },
        Message::PasswordTooShort { least: 12 },
        Message::UnusableUserName { name: text(), most: 64 },
        Message::UserExists { name: text() },
        Message::NoUser { name: text() },
        Message::CommentLength { most: 10 },
        Message::NoThread { thread: 1 },
        Message::NoThreadOnRevision { thread: 1, revision: text() },
    ];
    for message in &all {
        match message {
            Message::PlanChangedSinceShown
            | Message::NotProposed { .. }
            | Message::NotApproved(_)
            | Message::ProposalTaken
            | Message::RunLocked { .. }
            | Message::RunChanged
            | Message::BackupFailed { .. }
            | Message::RehearsalFailedToRun { .. }
            | Message::Trouble(_)
            | Message::Target(_)
            | Message::ServerFailed
            | Message::NoSuchEndpoint
            | Message::NoRevision { .. }
            | Message::NoEnvironment { .. }
            | Message::NoProposal
            | Message::ProposalAlreadyRan { .. }
            | Message::AuthorMayNotApprove
            | Message::AlreadyApproved
            | Message::ApprovalsFrom { .. }
            | Message::RunNeedsFingerprint
            | Message::RehearsalNeedsFingerprint
            | Message::RehearsalNeedsSandbox
            | Message::FolderHasErrors
            | Message::RoleMayNot { .. }
            | Message::SignInFirst
            | Message::MissingCsrfToken
            | Message::WrongNameOrPassword
            | Message::SignInThrottled { .. }
            | Message::TooManySignIns
            | Message::TooManyStreams { .. }
            | Message::TooLong { .. }
            | Message::FirstRunLinkInvalid
            | Message::AccountExists
            | Message::DatabaseUnreachable { .. }
            | Message::EnvironmentBusy { .. }
            | Message::UnknownAuditFormat { .. }
            | Message::CannotTellDrift { .. }
            | Message::PasswordTooShort { .. }
            | Message::UnusableUserName { .. }
            | Message::UserExists { .. }
            | Message::NoUser { .. }
            | Message::CommentLength { .. }
            | Message::NoThread { .. }
            | Message::NoThreadOnRevision { .. } => {}
        }
    }
    all
}

fn every_trouble() -> Vec<Trouble> {
    let text = || "x".to_owned();
    let all = vec![
        Trouble::NoPgDump { major: 17 },
        Trouble::CannotStart { program: text(), cause: text() },
        Trouble::DidNotFinish { program: text(), cause: text() },
        Trouble::CannotReadOutput { program: text(), cause: text() },
        Trouble::DumpFailed { status: text(), said: text(), row_security: false },
        Trouble::DumpFailed { status: text(), said: text(), row_security: true },
        Trouble::BackupCommandFailed { status: text(), said: text() },
        Trouble::BackupCommandStoppedReading { cause: text() },
        Trouble::CannotCreateFolder { folder: text(), cause: text() },
        Trouble::CannotWrite { path: text(), cause: text() },
        Trouble::CannotRename { from: text(), to: text(), cause: text() },
        Trouble::ServerVersionUnreadable { text: text() },
        Trouble::ToolsOlderThanServer { environment: text(), server: 17, tools: 15 },
        Trouble::ToolVersionUnreadable { text: text() },
        Trouble::SandboxUnreachable { cause: text() },
        Trouble::CopyDumpFailed { environment: text(), said: text() },
        Trouble::CopyRestoreFailed { said: text() },
        Trouble::CannotDropCopy { cause: text() },
        Trouble::CannotConnect { environment: text(), cause: text() },
        Trouble::BadTimeouts { cause: text() },
        Trouble::CutOff { run: text(), revision: text() },
    ];
    for trouble in &all {
        match trouble {
            Trouble::NoPgDump { .. }
            | Trouble::CannotStart { .. }
            | Trouble::DidNotFinish { .. }
            | Trouble::CannotReadOutput { .. }
            | Trouble::DumpFailed { .. }
            | Trouble::BackupCommandFailed { .. }
            | Trouble::BackupCommandStoppedReading { .. }
            | Trouble::CannotCreateFolder { .. }
            | Trouble::CannotWrite { .. }
            | Trouble::CannotRename { .. }
            | Trouble::ServerVersionUnreadable { .. }
            | Trouble::ToolsOlderThanServer { .. }
            | Trouble::ToolVersionUnreadable { .. }
            | Trouble::SandboxUnreachable { .. }
            | Trouble::CopyDumpFailed { .. }
            | Trouble::CopyRestoreFailed { .. }
            | Trouble::CannotDropCopy { .. }
            | Trouble::CannotConnect { .. }
            | Trouble::BadTimeouts { .. }
            | Trouble::CutOff { .. } => {}
        }
    }
    all
}

fn every_target() -> Vec<Target> {
    let text = || "x".to_owned();
    let list = || vec!["a".to_owned(), "b".to_owned()];
    let unfit = [
        Unfit::RecordedTwice { id: text() },
        Unfit::NotRecorded { id: text() },
        Unfit::AlreadyRecorded { id: text() },
        Unfit::NoParentToReplace { id: text() },
        Unfit::NoParentToRestore { id: text() },
        Unfit::AmbiguousParent { id: text() },
        Unfit::StampFromSeveral,
    ];
    for how in &unfit {
        match how {
            Unfit::RecordedTwice { .. }
            | Unfit::NotRecorded { .. }
            | Unfit::AlreadyRecorded { .. }
            | Unfit::NoParentToReplace { .. }
            | Unfit::NoParentToRestore { .. }
            | Unfit::AmbiguousParent { .. }
            | Unfit::StampFromSeveral => {}
        }
    }
    let mut all = vec![
        Target::SeveralHeads { argument: text(), heads: list(), labels: list() },
        Target::NothingAfterAt { spec: text() },
        Target::NoSuchName { name: text(), labels: list(), short: true },
        Target::NotOnBranch { id: text(), branch: text() },
        Target::AmbiguousPrefix { prefix: text(), keys: list() },
        Target::UpFromBelowBases,
        Target::AmbiguousStep { choices: list(), from: text() },
        Target::TooFewSteps { relative: text(), steps: 2 },
        Target::PastTheEnd { target: text() },
        Target::PastTheBase { target: text() },
        Target::NothingOnBranch { branch: text() },
        Target::SeveralOnBranch { branch: text() },
        Target::AmbiguousPlusN,
        Target::AmbiguousBranchPlusN { branch: text() },
        Target::RowNotInFolder { row: text() },
        Target::NotOneRevision { from: text() },
        Target::NoObject { object: text(), at: text() },
        Target::Overlaps { id: text(), others: list() },
        Target::NotADowngradeTarget { target: text() },
        Target::NotBelowApplied { id: text(), applied: Vec::new() },
        Target::NothingToUpgradeTo { upper: text() },
        Target::StepsPastFirst { lower: None },
        Target::NeedsOneLabel { branch: text() },
        Target::NotOneLine { lower: list(), upper: text(), stray: text() },
        Target::NotARange { range: text() },
        Target::CurrentNeedsDatabase,
        Target::UnknownRow { row: text() },
        Target::StampBelowBases,
        Target::SeveralHeadsForNew,
        Target::NamedTwice { id: text() },
        Target::NewBelowBases,
        Target::NotAHead { id: text() },
        Target::NothingToDependOn { spec: text() },
    ];
    for target in &all {
        match target {
            Target::SeveralHeads { .. }
            | Target::NothingAfterAt { .. }
            | Target::NoSuchName { .. }
            | Target::NotOnBranch { .. }
            | Target::AmbiguousPrefix { .. }
            | Target::UpFromBelowBases
            | Target::AmbiguousStep { .. }
            | Target::TooFewSteps { .. }
            | Target::PastTheEnd { .. }
            | Target::PastTheBase { .. }
            | Target::NothingOnBranch { .. }
            | Target::SeveralOnBranch { .. }
            | Target::AmbiguousPlusN
            | Target::AmbiguousBranchPlusN { .. }
            | Target::RowNotInFolder { .. }
            | Target::NotOneRevision { .. }
            | Target::NoObject { .. }
            | Target::Overlaps { .. }
            | Target::NotADowngradeTarget { .. }
            | Target::NotBelowApplied { .. }
            | Target::NothingToUpgradeTo { .. }
            | Target::StepsPastFirst { .. }
            | Target::NeedsOneLabel { .. }
            | Target::NotOneLine { .. }
            | Target::NotARange { .. }
            | Target::CurrentNeedsDatabase
            | Target::UnknownRow { .. }
            | Target::Unfit(_)
            | Target::StampBelowBases
            | Target::SeveralHeadsForNew
            | Target::NamedTwice { .. }
            | Target::NewBelowBases
            | Target::NotAHead { .. }
            | Target::NothingToDependOn { .. } => {}
        }
    }
    all.extend(unfit.into_iter().map(Target::Unfit));
    all
}

fn every_blocker() -> Vec<Blocker> {
    let all = vec![
        Blocker::PlanChanged,
        Blocker::NeedsApprovals { have: 1, need: 2, roles: vec![Role::Admin] },
        Blocker::NotYetOn { environment: "x".into(), revisions: vec!["a".into()] },
        Blocker::AlreadyRan { run_id: "r".into() },
        Blocker::NeedsRehearsal,
        Blocker::Drifted { missing: 1, extra: 0, different: 2 },
    ];
    for blocker in &all {
        match blocker {
            Blocker::PlanChanged
            | Blocker::NeedsApprovals { .. }
            | Blocker::NotYetOn { .. }
            | Blocker::AlreadyRan { .. }
            | Blocker::NeedsRehearsal
            | Blocker::Drifted { .. } => {}
        }
    }
    all
}

fn assert_both(en: &str, es: &str) {
    assert!(!en.trim().is_empty() && !es.trim().is_empty(), "an empty half: {en:?} / {es:?}");
    assert_ne!(en, es, "the Spanish is the English");
}

#[test]
fn every_message_has_english_and_spanish() {
    for message in every_message() {
        assert_both(&message.words(Lang::En), &message.words(Lang::Es));
    }
    for trouble in every_trouble() {
        assert_both(&Message::Trouble(trouble.clone()).words(Lang::En), &Message::Trouble(trouble).words(Lang::Es));
    }
    for target in every_target() {
        assert_both(&target.words(Lang::En), &target.words(Lang::Es));
    }
    for blocker in every_blocker() {
        assert_both(&blocker.words(Lang::En), &blocker.words(Lang::Es));
    }
    let deeds = [
        Deed::ReadAuditLog,
        Deed::ReadDrift,
        Deed::RehearsePlans,
        Deed::ProposePlans,
        Deed::ApprovePlans,
        Deed::ResolveThreads,
        Deed::CommentOnRevisions,
        Deed::ReviewRevisions,
        Deed::RunOrStamp,
    ];
    for (en, es) in deeds.map(deed_words) {
        assert_both(en, es);
    }
    let fields = [
        Field::UserName,
        Field::Password,
        Field::Comment,
        Field::TokenLabel,
        Field::Target,
        Field::EnvironmentName,
        Field::AuditFilter,
    ];
    for (en, es) in fields.map(field_words) {
        assert_both(en, es);
    }
}

#[test]
fn accept_language_picks_the_preferred_language_strata_speaks() {
    assert_eq!(Lang::from_accept_language("es"), Lang::Es);
    assert_eq!(Lang::from_accept_language("es-MX,es;q=0.9,en;q=0.8"), Lang::Es);
    assert_eq!(Lang::from_accept_language("fr-FR, en;q=0.5, es;q=0.7"), Lang::Es);
    assert_eq!(Lang::from_accept_language("de, en;q=0.9"), Lang::En);
    assert_eq!(Lang::from_accept_language("fr"), Lang::En);
    assert_eq!(Lang::from_accept_language("es;q=0"), Lang::En);
    assert_eq!(Lang::from_accept_language(""), Lang::En);
}

#[test]
fn a_cause_keeps_anothers_text_and_words_its_own() {
    let theirs = Message::BackupFailed { cause: Cause::Theirs("pg_dump: error: connection refused".into()) };
    assert!(theirs.words(Lang::Es).ends_with(": pg_dump: error: connection refused"));
    let ours = Message::RehearsalFailedToRun { cause: Message::Trouble(Trouble::NoPgDump { major: 17 }).into() };
    assert!(
        ours.words(Lang::Es).starts_with("el ensayo no pudo ejecutarse: no se encontró pg_dump para PostgreSQL 17")
    );
    assert_eq!(ours.to_string(), ours.words(Lang::En), "Display is the English");
}

#[test]
fn a_few_names_and_how_many_more_in_either_language() {
    let ids: Vec<String> = ["a", "b", "c", "d", "e"].map(str::to_owned).to_vec();
    assert_eq!(few(&ids, Lang::En), "a, b, c, and 2 more");
    assert_eq!(few(&ids, Lang::Es), "a, b, c y 2 más");
    assert_eq!(few(&ids[..2], Lang::Es), "a, b");
}

#[test]
fn drift_counts_name_only_what_there_is() {
    assert_eq!(drift_counts([0, 1, 2], Lang::En), "1 extra, 2 different");
    assert_eq!(drift_counts([0, 1, 2], Lang::Es), "1 de más, 2 distintos");
    assert_eq!(drift_counts([1, 0, 1], Lang::Es), "1 ausente, 1 distinto");
    assert_eq!(drift_counts([0, 0, 0], Lang::Es), "sin deriva");
}
