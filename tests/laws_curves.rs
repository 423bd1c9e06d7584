//! Loss curves: the bundled LLaMA-1 Figure 1 table and user CSVs.

#[cfg(feature = "csv")]
use isoflop::data::curve::LossCurve;
use isoflop::data::llama::{self, LlamaModel};
#[cfg(feature = "csv")]
use isoflop::units::Params;
use isoflop::units::Tokens;
use isoflop::Error;

#[test]
fn llama_final_losses_match_reference() {
    // data/llama/SOURCE.md (Touvron et al. 2023, Fig. 1): median of the last 10B tokens of
    // each raw digitised curve: 1.804, 1.730, 1.619, 1.560. The binned table must
    // reproduce them within 0.003.
    let expected = [1.804, 1.730, 1.619, 1.560];
    let window = Tokens::new(10e9).unwrap();
    for (c, want) in llama::curves().iter().zip(expected) {
        let got = c.final_loss(window);
        assert!((got - want).abs() < 0.003, "{}: {got} vs {want}", c.model());
    }
}

#[test]
fn llama_curves_have_published_sizes_and_lengths() {
    let counts = [
        6_738_415_616.0,
        13_015_864_320.0,
        32_528_943_616.0,
        65_285_660_672.0,
    ];
    let ends = [1006.6, 1006.6, 1400.9, 1400.9]; // Figure 1's last vertices, billions
    for ((m, n), end) in LlamaModel::ALL.into_iter().zip(counts).zip(ends) {
        let c = llama::curve(m);
        assert_eq!(c.params().get(), n);
        assert_eq!(c.model(), m.name());
        // The last bin's midpoint lies within 2.5B tokens of the last vertex.
        assert!(
            (c.last_tokens().billions() - end).abs() < 2.5,
            "{}",
            c.model()
        );
        assert!((c.last_tokens().get() / m.trained_tokens().get() - 1.0).abs() < 0.01);
        assert!(c.len() > 190);
    }
    assert_eq!(
        llama::curve_named("13B").unwrap(),
        llama::curve(LlamaModel::Llama13B)
    );
    assert!(matches!(
        llama::curve_named("LLaMA-8B"),
        Err(Error::UnknownName { .. })
    ));
}

#[cfg(feature = "csv")]
#[test]
fn csv_with_model_and_params_columns() {
    let csv = "model,tokens,loss,params\n\
               a,2e9,2.5,1B\n\
               b,1e9,3.0,2e9\n\
               a,1e9,3.0,1B\n\
               b,2e9,2.4,2e9\n";
    let curves = LossCurve::from_csv_reader(csv.as_bytes(), None).unwrap();
    assert_eq!(curves.len(), 2);
    assert_eq!(curves[0].model(), "a");
    assert_eq!(curves[0].params().get(), 1e9);
    assert_eq!(curves[1].params().get(), 2e9);
    // Sorted by tokens.
    assert_eq!(curves[0].losses().collect::<Vec<_>>(), vec![3.0, 2.5]);
    assert_eq!(curves[0].last_tokens().get(), 2e9);
}

#[cfg(feature = "csv")]
#[test]
fn csv_tokens_billion_and_default_params() {
    let csv = "tokens_billion,loss\n300,1.9\n400,1.85\n500,1.82\n";
    let n = Params::new(7e9).unwrap();
    let curves = LossCurve::from_csv_reader(csv.as_bytes(), Some(n)).unwrap();
    assert_eq!(curves.len(), 1);
    assert_eq!(curves[0].params(), n);
    assert_eq!(curves[0].first_tokens().get(), 300e9);
    let tail = curves[0].tail_from(Tokens::new(400e9).unwrap()).unwrap();
    assert_eq!(tail.len(), 2);
}

#[cfg(feature = "csv")]
#[test]
fn csv_file_round_trip_names_the_curve_after_the_file() {
    let dir = std::env::temp_dir().join(format!("isoflop-laws-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("my_run.csv");
    std::fs::write(&path, "tokens,loss\n1e9,3.0\n2e9,2.8\n").unwrap();
    let curves = LossCurve::from_csv_path(&path, Some(Params::new(1e8).unwrap())).unwrap();
    assert_eq!(curves[0].model(), "my_run");
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(
        LossCurve::from_csv_path(dir.join("missing.csv"), None),
        Err(Error::Io { .. })
    ));
}

#[cfg(feature = "csv")]
#[test]
fn csv_bad_input_is_a_typed_error() {
    let n = Some(Params::new(1e9).unwrap());
    let bad = [
        ("step,loss\n1,2.0\n", "no token column"),
        ("tokens,value\n1e9,2.0\n", "no loss column"),
        ("tokens,loss\n1e9,NaN\n", "NaN loss"),
        ("tokens,loss\n1e9,-2.0\n", "negative loss"),
        ("tokens,loss\n-1e9,2.0\n", "negative tokens"),
        ("tokens,loss\n1e9,2.0\n1e9,2.1\n", "conflicting duplicate"),
        ("tokens,loss\n", "no rows"),
        (
            "model,tokens,loss,params\na,1e9,2.0,1B\na,2e9,1.9,2B\n",
            "two sizes",
        ),
    ];
    for (text, why) in bad {
        assert!(
            LossCurve::from_csv_reader(text.as_bytes(), n).is_err(),
            "{why}"
        );
    }
    // No parameter count anywhere.
    assert!(matches!(
        LossCurve::from_csv_reader("tokens,loss\n1e9,2.0\n".as_bytes(), None),
        Err(Error::InsufficientData { .. })
    ));
}
