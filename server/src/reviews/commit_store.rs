//! Storage of collected commits: one transaction per batch, idempotent by (repository, sha),
//! with the rule of who may report whose commits.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use agentmeter_ingest::wire_git::{CommitReceipt, CommitRecord};

use super::identities::{self, Seen};
use crate::db::Db;
use crate::error::Result;
use crate::store::commits::{self, StoredCommit};
use crate::store::pool::Transaction;

/// Who sends a batch of commits.
#[derive(Debug, Clone, Copy)]
pub struct Reporter {
    pub user_id: i64,
    pub is_admin: bool,
}

/// Stores the batch in one transaction; authors are matched to users first (once per email).
///
/// Who may report a commit: its author, and an admin (who could act as anyone anyway), always;
/// anyone, for an author who matches no user (it counts for nobody until an admin maps that
/// identity, and then only if the mapped user uploaded it); anyone else only in a repository
/// they work in (their own commits or assistant usage are there), and then the commit stays
/// unconfirmed, not counted for its author, until the author's own collector or a signed webhook
/// push reports it. The author's own copy replaces a colleague's. Commits refused are counted in
/// the receipt.
pub async fn store(db: &Db, reporter: Reporter, commits: &[CommitRecord]) -> Result<CommitReceipt> {
    let uploaded_by = reporter.user_id;
    let mut user_of_email: BTreeMap<String, Option<i64>> = BTreeMap::new();
    let mut authors = Vec::with_capacity(commits.len());
    for c in commits {
        let key = c.author_email.trim().to_lowercase();
        let author = match user_of_email.get(&key) {
            Some(found) => *found,
            None => {
                let found = identities::lookup(db, git_author(&c.author_email)).await?;
                user_of_email.insert(key, found);
                found
            }
        };
        authors.push(author);
    }
    let works_in = repositories_worked_in(db, uploaded_by, commits, &authors).await?;
    let mut tx = db.begin().await?;
    let mut receipt = CommitReceipt::default();
    let stored = stored_commits(&mut tx, commits).await?;
    let mut new: Vec<(&CommitRecord, Option<i64>)> = Vec::new();
    let mut in_batch = BTreeSet::new();
    for (c, author) in commits.iter().zip(&authors) {
        let own = *author == Some(uploaded_by);
        let may_report = own
            || reporter.is_admin
            || author.is_none()
            || works_in.contains(c.repository.as_str());
        if !may_report {
            receipt.refused += 1;
            continue;
        }
        let key = (c.repository.as_str(), c.sha.to_lowercase());
        if let Some(stored) = stored.get(&key) {
            receipt.duplicates += 1;
            if own && !stored.confirmed {
                replace_with_authors_copy(&mut tx, c, uploaded_by, &stored.branches).await?;
            } else {
                add_branches(&mut tx, c, &stored.branches).await?;
            }
        } else if in_batch.insert(key) {
            new.push((c, *author));
        } else {
            receipt.duplicates += 1;
        }
    }
    let inserted = commits::insert_new(&mut tx, uploaded_by, reporter.is_admin, &new).await?;
    tx.commit().await?;
    receipt.accepted = inserted.len() as u64;
    // Commits another upload stored meanwhile.
    receipt.duplicates += new.len().saturating_sub(inserted.len()) as u64;
    // New commits of authors no user matches, counted per email for the admin's list.
    let mut unmatched: BTreeMap<&str, i64> = BTreeMap::new();
    for (c, author) in &new {
        if author.is_none() && inserted.contains(&(c.repository.clone(), c.sha.to_lowercase())) {
            *unmatched.entry(c.author_email.as_str()).or_default() += 1;
        }
    }
    for (email, events) in unmatched {
        identities::record_unmatched(db, git_author(email), events).await?;
    }
    Ok(receipt)
}

/// The batch's repositories the uploader works in: the batch or the database holds a commit of
/// theirs there, or they used an assistant there.
async fn repositories_worked_in<'a>(
    db: &Db,
    uploader: i64,
    commits: &'a [CommitRecord],
    authors: &[Option<i64>],
) -> Result<BTreeSet<&'a str>> {
    let mut works_in: BTreeSet<&str> = commits
        .iter()
        .zip(authors)
        .filter(|(_, author)| **author == Some(uploader))
        .map(|(c, _)| c.repository.as_str())
        .collect();
    let others: BTreeSet<&str> = commits
        .iter()
        .map(|c| c.repository.as_str())
        .filter(|r| !works_in.contains(r))
        .collect();
    for repository in others {
        if commits::uploader_works_in(db, repository, uploader).await? {
            works_in.insert(repository);
        }
    }
    Ok(works_in)
}

fn git_author(email: &str) -> Seen<'_> {
    Seen {
        provider: "git",
        login: None,
        email: Some(email),
    }
}

/// The batch's commits already stored, by (repository, sha).
async fn stored_commits<'a>(
    tx: &mut Transaction,
    commits: &'a [CommitRecord],
) -> Result<HashMap<(&'a str, String), StoredCommit>> {
    let mut shas_by_repository: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for c in commits {
        shas_by_repository
            .entry(&c.repository)
            .or_default()
            .push(c.sha.to_lowercase());
    }
    let mut stored = HashMap::new();
    for (repository, shas) in shas_by_repository {
        for commit in commits::stored(tx, repository, &shas).await? {
            stored.insert((repository, commit.sha.clone()), commit);
        }
    }
    Ok(stored)
}

/// The author's own report of a commit a colleague sent first: its record wins (the colleague's
/// may have been made up), it keeps every branch either named, and it now counts for the author.
async fn replace_with_authors_copy(
    tx: &mut Transaction,
    c: &CommitRecord,
    author: i64,
    stored_branches: &[String],
) -> Result<()> {
    let mut branches: BTreeSet<String> = stored_branches.iter().cloned().collect();
    branches.extend(c.branches.iter().cloned());
    let branches: Vec<String> = branches.into_iter().collect();
    commits::replace_with_authors_copy(tx, c, author, &branches).await
}

/// A commit sent again may be on branches it was not on before (a branch made or pushed since):
/// they are added to the stored ones, none is dropped (a deleted branch still names the PR's
/// commits).
async fn add_branches(tx: &mut Transaction, c: &CommitRecord, stored: &[String]) -> Result<()> {
    let mut branches: BTreeSet<String> = stored.iter().cloned().collect();
    let before = branches.len();
    branches.extend(c.branches.iter().cloned());
    if branches.len() > before {
        let merged: Vec<String> = branches.into_iter().collect();
        commits::set_branches(tx, &c.repository, &c.sha, &merged).await?;
    }
    Ok(())
}
