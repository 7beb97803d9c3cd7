//! Sandbox tools: error-injection rules.

super::statements! {
    both FAULTS = "SELECT id, business_id, rule, hits, created_at FROM sandbox_faults ORDER BY created_at, id";
    both ADD_FAULT = "INSERT INTO sandbox_faults (id, business_id, rule, hits, created_at) VALUES ($1, $2, $3, $4, $5)";
    /// One rule, of business `$2` (any when `$2` is NULL).
    both DELETE_FAULT = "DELETE FROM sandbox_faults WHERE id = $1 AND (CAST($2 AS TEXT) IS NULL OR business_id = $2)";
    /// Every rule of business `$1` (every rule when `$1` is NULL).
    both CLEAR_FAULTS = "DELETE FROM sandbox_faults WHERE CAST($1 AS TEXT) IS NULL OR business_id = $1";
    both HIT_FAULT = "UPDATE sandbox_faults SET hits = hits + 1 WHERE id = $1 RETURNING hits";
}
