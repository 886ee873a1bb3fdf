//! The benchmark's rows, about 150 bytes of JSON each, and the request the
//! floor path serialises.

use nebius_tokenfactory::api::types as api;
use nebius_tokenfactory::datasets::DatasetSchema;
use serde::Serialize;

/// The dataset's name in every request.
pub const NAME: &str = "bench-reviews";
/// The dataset's folder in every request.
pub const FOLDER: &str = "/bench";

/// A product review: strings, integers, a float, a bool and an option.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Review {
    pub id: i64,
    pub user: String,
    pub product: String,
    pub text: String,
    /// `None` in one row of ten: the SDK then checks the row, as it does
    /// every row holding a `null`.
    pub stars: Option<u8>,
    pub score: f64,
    pub verified: bool,
}

const TEXTS: [&str; 4] = [
    "Arrived on time and works as described.",
    "Good value; the battery lasts all day.",
    "Too small for me, but well made overall.",
    "Quick and friendly service, would buy again.",
];

/// `n` reviews, the same on every run.
pub fn reviews(n: usize) -> Vec<Review> {
    let mut rows = Vec::with_capacity(n);
    rows.extend((0..n).map(review));
    rows
}

fn review(i: usize) -> Review {
    // A cheap scramble, so that neighbouring rows differ in every field.
    let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
    Review {
        id: i as i64,
        user: format!("user-{:07}", h % 10_000_000),
        product: format!("SKU-{:05}-{}", h % 100_000, (b'A' + (h % 26) as u8) as char),
        text: TEXTS[(h % 4) as usize].to_string(),
        stars: (!i.is_multiple_of(10)).then_some((h % 5) as u8 + 1),
        score: (h % 10_000) as f64 / 10_000.0,
        verified: !h.is_multiple_of(3),
    }
}

/// The floor's request body: the fields the SDK writes, in its order.
#[derive(Serialize)]
pub struct Request<'a> {
    pub name: &'a str,
    pub schema: &'a [api::ColumnSchemaInput],
    pub folder: &'a str,
    pub rows: &'a [Review],
}

/// The column schema the SDK derives from [`Review`], as the generated
/// types have it.
pub fn api_schema() -> Vec<api::ColumnSchemaInput> {
    DatasetSchema::from_type::<Review>()
        .expect("Review maps to columns")
        .to_api()
}
