"""Predicted pay dates and late probabilities per open item (issue 15).

- `features`: what an item and its customer looked like on a date (as-of replay, no future);
- `model`: the training set, the HistGradientBoosting models with their fallbacks, predictions;
- `backtest`: accuracy at monthly cutoffs against three simple baselines;
- `reasons`: the parts that explain a customer's score, in words;
- `bench`: training and predicting time on a large demo ledger.
"""

from src_dash.analytics.predict.model import Model, predict, predictions, train, trained

__all__ = ["Model", "predict", "predictions", "train", "trained"]
