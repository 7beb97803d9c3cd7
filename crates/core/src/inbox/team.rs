//! The team's work on a conversation, as in Chatwoot: assign it to an agent (or take it),
//! close and reopen it, internal notes (never sent to the customer), and labels with colours.

use super::{InboxError, InboxResult, InboxService};
use crate::clock::Millis;
use crate::error::StoreError;
use crate::model::User;
use crate::store::{label_key, Label, Note, Store};

/// Longest note, in characters.
pub const MAX_NOTE: usize = 4000;
/// Longest label name, in characters.
pub const MAX_LABEL: usize = 40;

/// The colours a label may have (`#rrggbb`): a palette, so each reads well on white with
/// white text and the pages need no inline styles.
pub const LABEL_COLOURS: [&str; 8] =
    ["#1f7a5c", "#1565c0", "#6a1b9a", "#b45309", "#b3261e", "#00838f", "#4b5563", "#7c5e00"];

/// A value the team's work cannot use: a kind of its own, so the pages can say it in the
/// reader's language (the message is the English one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("colour: {0:?} is not one of the palette")]
    Colour(String),
    /// The id given is no person of the business (or a disabled one).
    #[error("assignee: {0} is not a person of this business")]
    Assignee(String),
    #[error("note: write something")]
    EmptyNote,
    #[error("note: at most {MAX_NOTE} characters")]
    LongNote,
    #[error("name: 1 to {MAX_LABEL} characters")]
    LabelLength,
    /// The business has a label of this name, in any case (the existing label's name).
    #[error("name: there is a label {0:?} already")]
    LabelTaken(String),
}

/// One of [`LABEL_COLOURS`], lower case; an error otherwise.
fn colour(text: &str) -> InboxResult<String> {
    let t = text.trim().to_ascii_lowercase();
    if LABEL_COLOURS.contains(&t.as_str()) {
        Ok(t)
    } else {
        Err(Invalid::Colour(t).into())
    }
}

impl InboxService {
    /// Assign the conversation to `assignee` (a person of the business who is not disabled),
    /// or to nobody.
    pub async fn assign(
        &self,
        viewer: &User,
        phone_number_id: &str,
        wa_id: &str,
        assignee: Option<&str>,
    ) -> InboxResult<()> {
        let chat = self.chat(&viewer.business_id, phone_number_id, wa_id).await?;
        if let Some(id) = assignee {
            let ok = self
                .store
                .user(id)
                .await?
                .is_some_and(|u| u.business_id == viewer.business_id && u.disabled_at.is_none());
            if !ok {
                return Err(Invalid::Assignee(id.to_string()).into());
            }
        }
        let c = &chat.conversation;
        self.store.assign_chat(&viewer.business_id, &c.phone_number_id, &c.wa_id, assignee).await?;
        Ok(())
    }

    /// Close the conversation, or reopen it. A new message from the customer reopens it too.
    pub async fn set_closed(&self, viewer: &User, phone_number_id: &str, wa_id: &str, closed: bool) -> InboxResult<()> {
        let chat = self.chat(&viewer.business_id, phone_number_id, wa_id).await?;
        let at = closed.then(|| chat.closed_at.unwrap_or_else(|| self.now()));
        let c = &chat.conversation;
        self.store.close_chat(&viewer.business_id, &c.phone_number_id, &c.wa_id, at).await?;
        if closed {
            // Closing gives the conversation back to the number's bot: its next message starts over.
            self.store.close_bot_run(&c.phone_number_id, &c.wa_id, self.now()).await?;
        }
        Ok(())
    }

    /// An internal note by `viewer` on the conversation.
    pub async fn add_note(&self, viewer: &User, phone_number_id: &str, wa_id: &str, body: &str) -> InboxResult<Note> {
        let chat = self.chat(&viewer.business_id, phone_number_id, wa_id).await?;
        let body = body.trim();
        if body.is_empty() {
            return Err(Invalid::EmptyNote.into());
        }
        if body.chars().count() > MAX_NOTE {
            return Err(Invalid::LongNote.into());
        }
        let note = Note {
            id: crate::ids::new_object_id(),
            business_id: viewer.business_id.clone(),
            phone_number_id: chat.conversation.phone_number_id,
            wa_id: chat.conversation.wa_id,
            author_id: viewer.id.clone(),
            author_name: viewer.name.clone(),
            body: body.to_string(),
            created_at: self.now(),
        };
        self.store.add_note(&note).await?;
        Ok(note)
    }

    /// A new label of the business (owners and admins).
    pub async fn create_label(&self, viewer: &User, name: &str, colour_text: &str) -> InboxResult<Label> {
        if !viewer.role.manages_people() {
            return Err(InboxError::NotAllowed);
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_LABEL {
            return Err(Invalid::LabelLength.into());
        }
        // "VIP" and "vip" are one label, as quick replies' shortcuts are one in any case. The
        // read is the fast path with the existing label's own spelling; the database's unique
        // key is what holds when two people create the label at the same moment.
        if let Some(l) = label_named(self.store.as_ref(), &viewer.business_id, name).await? {
            return Err(Invalid::LabelTaken(l.name).into());
        }
        let label = Label {
            id: crate::ids::new_object_id(),
            business_id: viewer.business_id.clone(),
            name: name.to_string(),
            colour: colour(colour_text)?,
            created_at: self.now(),
        };
        match self.store.create_label(&label).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => {
                let taken =
                    label_named(self.store.as_ref(), &viewer.business_id, name).await?.map_or(label.name, |l| l.name);
                return Err(Invalid::LabelTaken(taken).into());
            }
            Err(e) => return Err(e.into()),
        }
        Ok(label)
    }

    /// Delete a label of the business from every conversation (owners and admins).
    pub async fn delete_label(&self, viewer: &User, id: &str) -> InboxResult<()> {
        if !viewer.role.manages_people() {
            return Err(InboxError::NotAllowed);
        }
        if !self.store.delete_label(&viewer.business_id, id).await? {
            return Err(InboxError::NotFound);
        }
        Ok(())
    }

    /// Put a label of the business on the conversation (`on`) or take it off.
    pub async fn set_label(
        &self,
        viewer: &User,
        phone_number_id: &str,
        wa_id: &str,
        label_id: &str,
        on: bool,
    ) -> InboxResult<()> {
        let chat = self.chat(&viewer.business_id, phone_number_id, wa_id).await?;
        if !self.store.labels(&viewer.business_id).await?.iter().any(|l| l.id == label_id) {
            return Err(InboxError::NotFound);
        }
        let c = &chat.conversation;
        self.store.set_chat_label(&c.phone_number_id, &c.wa_id, label_id, on).await?;
        Ok(())
    }
}

/// The business's label of this name, in any case (the same [`label_key`]).
pub(crate) async fn label_named(store: &dyn Store, business_id: &str, name: &str) -> Result<Option<Label>, StoreError> {
    let key = label_key(name);
    Ok(store.labels(business_id).await?.into_iter().find(|l| label_key(&l.name) == key))
}

/// The business's label of this name, created in `colour` the first time: what the automatic
/// tools (bots, the FAQ's hand-off) put on a conversation. A label made by a concurrent
/// message in between is read back.
pub(crate) async fn label_for(
    store: &dyn Store,
    business_id: &str,
    name: &str,
    colour: &str,
    now: Millis,
) -> Result<Label, StoreError> {
    if let Some(l) = label_named(store, business_id, name).await? {
        return Ok(l);
    }
    let l = Label {
        id: crate::ids::new_object_id(),
        business_id: business_id.to_string(),
        name: name.trim().to_string(),
        colour: colour.to_string(),
        created_at: now,
    };
    match store.create_label(&l).await {
        Ok(()) => Ok(l),
        Err(StoreError::Conflict(e)) => label_named(store, business_id, name).await?.ok_or(StoreError::Conflict(e)),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_come_from_the_palette() {
        assert_eq!(colour(" #1F7A5C ").unwrap(), "#1f7a5c");
        for bad in ["1f7a5c", "#1f7a5", "#123456", "red", "#1f7a5c0", ""] {
            assert!(colour(bad).is_err(), "{bad}");
        }
    }
}
