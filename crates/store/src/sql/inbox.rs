//! What the web app's pages read of a business's conversations.

// `conversation_cols!` expands to `last_message_at!`.
use super::messages::last_message_at;

super::statements! {
    /// `$1` the business, `$2` how many: most recent first. The time of the last message comes
    /// from the messages (outbound ones do not write the conversation row).
    both BUSINESS_CHATS = concat!(
        "SELECT ",
        super::messages::conversation_cols!(),
        ", cu.profile_name, p.number FROM conversations c JOIN customers cu ON cu.wa_id = c.wa_id",
        " JOIN phone_numbers p ON p.id = c.phone_number_id WHERE c.business_id = $1",
        " ORDER BY last_message_at DESC, c.wa_id LIMIT $2"
    );
}
