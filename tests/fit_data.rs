//! The bundled Chinchilla table against its source CSV, and the run-table loaders.

#[cfg(feature = "csv")]
use isoflop::data::chinchilla;
use isoflop::data::run_table::RunTable;
use isoflop::Error;
#[cfg(feature = "csv")]
use std::path::Path;

#[cfg(feature = "csv")]
/// The source CSV, shipped with the crate (provenance in `data/chinchilla/SOURCE.md`).
const CSV: &str = "data/chinchilla/svg_extracted_data.csv";

#[cfg(feature = "csv")]
#[test]
fn bundled_table_equals_the_csv_bit_for_bit() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(CSV);
    let from_csv = RunTable::from_csv_path(&path).unwrap();
    let bundled = chinchilla::runs();
    assert_eq!(from_csv.len(), bundled.len());
    for (i, (a, b)) in from_csv.iter().zip(bundled.iter()).enumerate() {
        assert_eq!(a.n.get().to_bits(), b.n.get().to_bits(), "row {i} N");
        assert_eq!(a.d.get().to_bits(), b.d.get().to_bits(), "row {i} D");
        assert_eq!(a.loss.to_bits(), b.loss.to_bits(), "row {i} loss");
    }
    assert_eq!(
        from_csv.drop_highest_losses(5).unwrap(),
        chinchilla::replication_runs()
    );
}

#[test]
fn degenerate_tables_are_typed_errors() {
    assert!(matches!(
        RunTable::from_rows(&[]),
        Err(Error::InsufficientData { .. })
    ));
    assert!(matches!(
        RunTable::from_rows(&[(1e8, 1e9, f64::NAN)]),
        Err(Error::InvalidInput { .. })
    ));
    let few = RunTable::from_rows(&[(1e8, 1e9, 3.0), (2e8, 2e9, 2.9), (4e8, 4e9, 2.8)]).unwrap();
    assert!(matches!(
        few.check_fittable(5),
        Err(Error::InsufficientData { .. })
    ));
    let rows: Vec<_> = (0..10)
        .map(|i| (3e8, 1e9 * (i + 1) as f64, 3.0 - 0.01 * i as f64))
        .collect();
    let one_size = RunTable::from_rows(&rows).unwrap();
    assert!(matches!(
        one_size.check_fittable(5),
        Err(Error::NonIdentifiable(_))
    ));
}

#[cfg(feature = "csv")]
#[test]
fn malformed_csv_names_its_row() {
    let bad_csv = "Model Size,Training FLOP,loss\n1e8,6e17,3.0\n1e8,oops,3.0\n";
    let e = RunTable::from_csv_reader(bad_csv.as_bytes()).unwrap_err();
    assert!(
        matches!(e, Error::Parse { .. }) && e.to_string().contains("row 1"),
        "{e}"
    );
}
