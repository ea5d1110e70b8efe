"""Everything a served uplift model needs: features, learners, calibration, segments, the
`UpliftModel` bundle and its MLflow pyfunc wrapper. No training orchestration, no MLflow tracking.

Modules (import them directly; nothing is loaded at package import):

* `models.features`: `FeatureSpec`, `msme_feature_specs`, `prepare_features`, `feature_matrix`.
* `models.propensity`: `crossfit_propensity` -> `PropensityResult` (overlap diagnostics).
* `models.learners`: `LEARNER_NAMES`, `make_learner` -> S / T / X / DR / R `UpliftLearner`
  (the interface, in `models.learner_base`).
* `models.combined_learners`: `EnsembleLearner` (weighted average), `DistilledLearner` (copy).
* `models.calibration`: per-arm Platt / isotonic calibrators.
* `models.uplift_model`: `UpliftModel` (fit, predict, explain), `Reason`.
* `models.scoring`: `score_frame` (already-digital MSMEs -> ``stimulus_group``).
* `models.pyfunc`: `UpliftPyfunc`, `log_uplift_model`, `load_uplift_model` (imports mlflow).
* `models.model_lookup`: why a model URI loads nothing (`ModelLookupError`), credentials masked.

How rare outcomes and unbalanced arms are handled
-------------------------------------------------
Going digital is rare (2–10%) and mentoring reaches 10–30% of MSMEs, so:

* No class reweighting anywhere (``is_unbalance`` / ``scale_pos_weight`` are refused): it would
  bias the probabilities the product reports. LightGBM starts from the base rate's log-odds.
* Leaves need rows: ``min_child_samples`` of at least 100 (a tenth of the rows for tiny models),
  so the small mentored arm's model is not grown on a handful of events; no hessian floor beyond
  LightGBM's default (a floor of 2 cost the S-learner quality: `models.boosting`).
* A fixed number of rounds on every row, no early stopping by default: the small arm cannot
  spare a held-out fifth of its rows, and early stopping on the log loss stops before the uplift
  is learnt (`models.boosting`).
* Cross-fitting folds are stratified by arm x outcome, so each fold gets its share of the rare
  mentored-and-digital rows.
* Propensities are cross-fitted and clipped to [0.02, 0.98] (weights at most 50); the overlap
  diagnostic reports the share outside [0.05, 0.95] and warns above 10%.
* Pooled outcome models for S, X and DR (one LightGBM model of all rows with the mentoring
  indicator as a feature): what drives going digital in both arms is learnt once from all events,
  so the small mentored arm borrows the large arm's structure. In a development run on the
  simulator (60,000 history rows, one split) it lifted the DR learner's share of the oracle's
  extra digitalizations at 10% capacity from 0.82 (separate arm models) to 0.92. T keeps one
  model per arm (the textbook reference).
* X-learner: the two effect models are mixed with the propensity, e(x) tau0 + (1 - e(x)) tau1,
  so the effect model imputed with the weaker mentored-arm predictions gets the small weight.
* DR-learner: AIPW pseudo-outcomes are heavy-tailed with rare events and small arms (a mentored
  row that went digital weighs 1/e). Besides propensity clipping (and optional pseudo-outcome
  clipping), the effect regression starts from the cross-fitted plug-in uplift p1 - p0 and boosts
  only the correction the pseudo-outcomes support, with small trees, large leaves, stronger L2,
  a slower learning rate and early stopping on held-out pseudo-outcomes; with little data it
  stays at the plug-in instead of fitting noise.
* Calibration per arm on held-out rows defaults to Platt scaling (two parameters: works with few
  events); isotonic only when asked, or with ``"auto"`` when an arm has 500+ events and
  non-events.
"""
