//! Field-level validation errors, collected so a client sees every problem at once.

use std::fmt;

/// One invalid input field and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// A request that failed validation, with one entry per offending field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Invalid(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for Invalid {}

/// Collects the outcome of parsing several fields.
///
/// `check` records an error and yields `None`; `finish` fails if anything was recorded.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value, or records `field: message` and returns `None`.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.errors.push(FieldError {
                    field: field.to_owned(),
                    message,
                });
                None
            }
        }
    }

    /// Like [`Validator::check`] for an optional input.
    pub fn check_opt<T, U>(
        &mut self,
        field: &str,
        input: Option<T>,
        parse: impl FnOnce(T) -> Result<U, String>,
    ) -> Option<Option<U>> {
        match input {
            None => Some(None),
            Some(value) => self.check(field, parse(value)).map(Some),
        }
    }

    /// Records an error that is not the result of a parse.
    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// Records a missing required field.
    pub fn require<T>(&mut self, field: &str, input: Option<T>) -> Option<T> {
        if input.is_none() {
            self.fail(field, "is required");
        }
        input
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn finish(self) -> Result<(), Invalid> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.errors))
        }
    }
}
