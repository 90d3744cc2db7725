"""Shipped models (installed as classifier.models): one folder per model, model.npz + model.json."""
