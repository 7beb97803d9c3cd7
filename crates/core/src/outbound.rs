//! Outbound (business → customer) message requests: parsing and validation.
