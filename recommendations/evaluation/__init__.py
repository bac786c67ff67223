"""Offline evaluation of the recommender: how good the models are, measured on MovieLens-style files.

Nothing here is used to build or serve recommendations; ``manage.py evaluate_recommender`` runs it.

- ``splits``: per-user random and temporal train/test splits.
- ``metrics``: precision, recall, NDCG, MAP at k and catalogue coverage.
- ``baselines``: popularity and the plan's naive user-user sketch, the models ours are compared against.
- ``experiment``: fit every model on a split, score it, tune EASE's L2 on a validation split.
- ``offline``: one run on a dataset on disk, and its report as text.
"""
