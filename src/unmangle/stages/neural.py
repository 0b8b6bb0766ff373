"""The neural stage's place in the pipeline (the stage itself: :mod:`unmangle.neural.stage`).

Kept apart so that listing the stages imports no torch.
"""

from __future__ import annotations

from .base import StageSpec, register


def build_neural_stage(settings, folder):
    from ..neural.stage import NeuralStage

    return NeuralStage.from_folder(folder, min_evidence=settings.min_evidence, precision=settings.precision,
                                   engine=settings.model_engine)


SPEC = register(StageSpec("neural", order=50, build=build_neural_stage, needs_model=True,
                          summary="detector + rewriter: flagged regions and rule-made alternatives, "
                                  "changed only on clear evidence"))
