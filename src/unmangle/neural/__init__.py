"""Neural stages: a span detector and a span rewriter sharing one small T5 model."""
