"""sipsim post-processing: parameter sweeps, statistics and figures (see analysis/README.md)."""
