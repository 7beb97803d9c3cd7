//! What the web app's pages read of a business's conversations.

super::statements! {
    /// `$1` the business, `$2` how many: most recent first.
    both BUSINESS_CHATS = "SELECT c.phone_number_id, c.wa_id, c.business_id, c.last_inbound_at, c.last_outbound_at, c.last_message_at, c.created_at, cu.profile_name, p.number FROM conversations c JOIN customers cu ON cu.wa_id = c.wa_id JOIN phone_numbers p ON p.id = c.phone_number_id WHERE c.business_id = $1 ORDER BY c.last_message_at DESC LIMIT $2";
}
