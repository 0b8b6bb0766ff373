"""Pipeline stages. Each stage proposes edits on the current text; see :mod:`unmangle.stages.base`
for the contract and the registry that orders them."""

from .base import BaseStage, Stage, StageSpec, as_stage, register, stage_names, stage_specs

__all__ = ["BaseStage", "Stage", "StageSpec", "as_stage", "register", "stage_names", "stage_specs"]
