//! The web app's people: users, sessions, password resets, invitations.

macro_rules! user_cols {
    () => {
        "id, business_id, email, name, password_hash, role, created_at, disabled_at"
    };
}
macro_rules! invitation_cols {
    () => {
        "token_hash, business_id, email, role, invited_by, created_at, expires_at, accepted_at"
    };
}

super::statements! {
    both INSERT_USER = concat!("INSERT INTO users (", user_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    both USER = concat!("SELECT ", user_cols!(), " FROM users WHERE id = $1");
    both USER_BY_EMAIL = concat!("SELECT ", user_cols!(), " FROM users WHERE email = $1");
    both USERS = concat!("SELECT ", user_cols!(), " FROM users WHERE business_id = $1 ORDER BY created_at, id");
    both SET_USER_ROLE = "UPDATE users SET role = $1 WHERE business_id = $2 AND id = $3";
    both SET_USER_DISABLED = "UPDATE users SET disabled_at = $1 WHERE business_id = $2 AND id = $3";
    /// `$1` now, `$2` the token's hash, `$3` its user: uses up an unused, unexpired token.
    both USE_PASSWORD_RESET = "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND user_id = $3 AND used_at IS NULL AND expires_at > $1";
    /// `$1` the new hash, `$2` the user, `$3` the reset token's hash or NULL, `$4` now: with a
    /// token, only when [`USE_PASSWORD_RESET`] used it up now.
    both SET_PASSWORD = "UPDATE users SET password_hash = $1 WHERE id = $2 AND (CAST($3 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM password_resets WHERE token_hash = $3 AND user_id = $2 AND used_at = $4))";
    /// After [`SET_PASSWORD`]: end the user's sessions if the password is now `$2`.
    both END_SESSIONS_AFTER_PASSWORD = "DELETE FROM user_sessions WHERE user_id = $1 AND EXISTS (SELECT 1 FROM users WHERE id = $1 AND password_hash = $2)";
    both INSERT_USER_SESSION = "INSERT INTO user_sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $3)";
    both USER_SESSION = concat!(
        "SELECT s.expires_at, s.last_seen_at, u.id, u.business_id, u.email, u.name, u.password_hash, u.role, u.created_at, u.disabled_at",
        " FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2"
    );
    both TOUCH_USER_SESSION = "UPDATE user_sessions SET last_seen_at = $1 WHERE token_hash = $2";
    both DELETE_USER_SESSION = "DELETE FROM user_sessions WHERE token_hash = $1";
    both DELETE_USER_SESSIONS = "DELETE FROM user_sessions WHERE user_id = $1";
    both INSERT_PASSWORD_RESET = "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
    both PASSWORD_RESET = "SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2";
    /// Before a new invitation: drop a pending one of the same business and email.
    both DELETE_PENDING_INVITATION = "DELETE FROM invitations WHERE business_id = $1 AND email = $2 AND accepted_at IS NULL";
    both INSERT_INVITATION = concat!("INSERT INTO invitations (", invitation_cols!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    both INVITATION = concat!("SELECT ", invitation_cols!(), " FROM invitations WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2");
    both INVITATIONS = concat!(
        "SELECT ",
        invitation_cols!(),
        " FROM invitations WHERE business_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY created_at DESC"
    );
    both ACCEPT_INVITATION = "UPDATE invitations SET accepted_at = $1 WHERE token_hash = $2 AND accepted_at IS NULL AND expires_at > $1";
    /// After [`ACCEPT_INVITATION`]: the user, with the business, email and role the invitation
    /// names, if it was accepted now (`$4`).
    both INSERT_INVITED_USER = "INSERT INTO users (id, business_id, email, name, password_hash, role, created_at) SELECT CAST($1 AS TEXT), business_id, email, CAST($2 AS TEXT), CAST($3 AS TEXT), role, accepted_at FROM invitations WHERE accepted_at = $4 AND token_hash = $5";
}
