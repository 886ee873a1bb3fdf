//! Input refused before anything is sent.
//!
//! Every check the SDK makes on its side (a generated builder missing a
//! required value, rows that do not fit their columns, a blank name)
//! reports [`Problem`]s, collected into one [`InvalidInput`]: the first
//! [`MAX_LISTED_PROBLEMS`] listed, all of them counted.

use std::fmt;

/// How many problems an error lists; the rest are only counted.
pub const MAX_LISTED_PROBLEMS: usize = 20;

/// One thing wrong with the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The row's index, for problems in a row.
    pub row: Option<usize>,
    /// The column, for problems with one column.
    pub column: Option<String>,
    /// What was expected and what was found.
    pub message: String,
}

impl Problem {
    /// A problem with the input as a whole: `message` says all.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            row: None,
            column: None,
            message: message.into(),
        }
    }

    /// A problem with a column schema.
    pub fn schema(message: String) -> Self {
        Self::new(format!("schema: {message}"))
    }

    /// A problem with one column as a whole.
    pub fn column(column: &str, message: String) -> Self {
        Self {
            row: None,
            column: Some(column.into()),
            message,
        }
    }

    /// A problem with a named field: `{field}: {message}`.
    pub fn field(field: &str, message: &str) -> Self {
        Self::new(format!("{field}: {message}"))
    }

    /// A problem for each of `fields` (name and value) that is empty or blank.
    pub fn blank_fields<'v>(
        fields: impl IntoIterator<Item = (&'static str, &'v str)>,
    ) -> Vec<Problem> {
        fields
            .into_iter()
            .filter(|(_, value)| value.trim().is_empty())
            .map(|(field, _)| Problem::field(field, "must not be empty"))
            .collect()
    }

    /// A value in row `row` (and `column`, where known) that is not what
    /// was expected.
    pub fn row(row: usize, column: Option<&str>, expected: &str, found: &str) -> Self {
        Self {
            row: Some(row),
            column: column.map(Into::into),
            message: format!("{expected}, found {found}"),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.row, &self.column) {
            (Some(r), Some(c)) => write!(f, "row {r}, column `{c}`: {}", self.message),
            (Some(r), None) => write!(f, "row {r}: {}", self.message),
            (None, Some(c)) => write!(f, "column `{c}`: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// Input that failed client-side validation; nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    problems: Vec<Problem>,
    total: usize,
}

impl InvalidInput {
    /// One problem.
    pub fn one(problem: Problem) -> Self {
        Self {
            problems: vec![problem],
            total: 1,
        }
    }

    /// `Ok` if there are no problems.
    pub fn check(problems: Vec<Problem>) -> Result<(), Self> {
        let mut collected = Problems::default();
        problems.into_iter().for_each(|p| collected.push(p));
        collected.finish()
    }

    /// The first [`MAX_LISTED_PROBLEMS`] problems.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// How many problems there were in all.
    pub fn total(&self) -> usize {
        self.total
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid input, nothing was sent: ")?;
        if let [only] = self.problems.as_slice() {
            if self.total == 1 {
                return write!(f, "{only}");
            }
        }
        write!(f, "{} problems", self.total)?;
        if self.total > self.problems.len() {
            write!(f, " (the first {} listed)", self.problems.len())?;
        }
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidInput {}

/// Problems collected up to the listing cap, and counted beyond it.
#[derive(Debug, Default)]
pub struct Problems {
    listed: Vec<Problem>,
    total: usize,
}

impl Problems {
    /// Adds a problem: listed while fewer than [`MAX_LISTED_PROBLEMS`] are,
    /// counted always.
    pub fn push(&mut self, problem: Problem) {
        if self.listed.len() < MAX_LISTED_PROBLEMS {
            self.listed.push(problem);
        }
        self.total += 1;
    }

    /// `Ok` if nothing was pushed; otherwise the collected error.
    pub fn finish(self) -> Result<(), InvalidInput> {
        if self.total == 0 {
            Ok(())
        } else {
            Err(InvalidInput {
                problems: self.listed,
                total: self.total,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_problem_reads_as_a_sentence_and_many_are_listed_up_to_the_cap() {
        let one = InvalidInput::one(Problem::row(
            1,
            Some("text"),
            "expected string",
            "an integer",
        ));
        assert_eq!(
            one.to_string(),
            "invalid input, nothing was sent: row 1, column `text`: expected string, found an integer"
        );
        let mut many = Problems::default();
        for i in 0..25 {
            many.push(Problem::row(i, None, "a row", "nothing"));
        }
        let err = many.finish().unwrap_err();
        assert_eq!(err.total(), 25);
        assert_eq!(err.problems().len(), MAX_LISTED_PROBLEMS);
        assert!(err
            .to_string()
            .starts_with("invalid input, nothing was sent: 25 problems (the first 20 listed)\n  - row 0: a row, found nothing"));
        assert!(Problems::default().finish().is_ok());
    }
}
