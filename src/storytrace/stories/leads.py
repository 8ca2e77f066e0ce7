"""Stories' lead embeddings in one matrix: the story index's cross-language candidates."""

from __future__ import annotations

import numpy as np


class LeadTable:
    """Stories' mean lead embeddings as rows of one matrix: cross-language candidates.

    Reports of one event in two languages may share no word and no name (Путин / Putin), so the
    postings never bring them together; a matrix product over every story's lead does. Brute
    force is enough: 100,000 stories x 512 dimensions is one 50-million multiply-add product.
    """

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.ids: list[str | None] = []
        self.matrix = np.zeros((0, 0), dtype=np.float32)

    def put(self, story_id: str, lead_sum: np.ndarray) -> None:
        """Store (or replace) a story's lead direction."""
        norm = float(np.linalg.norm(lead_sum))
        if not norm:
            return
        row = self.rows.get(story_id)
        if row is None:
            row = len(self.ids)
            if row >= self.matrix.shape[0]:  # grow by doubling: amortised O(1) per story
                grown = np.zeros((max(64, 2 * row), lead_sum.shape[0]), dtype=np.float32)
                if row:
                    grown[:row] = self.matrix[:row]
                self.matrix = grown
            self.rows[story_id] = row
            self.ids.append(story_id)
        self.matrix[row] = lead_sum / norm

    def drop(self, story_id: str) -> None:
        """Forget a merged-away story."""
        row = self.rows.pop(story_id, None)
        if row is not None:
            self.matrix[row] = 0.0
            self.ids[row] = None

    def nearest(self, lead: np.ndarray, limit: int) -> list[str]:
        """The ``limit`` stories whose leads are closest to ``lead`` (positive cosine only)."""
        count = len(self.ids)
        if not count or lead.shape[0] != self.matrix.shape[1]:
            return []
        cosines = self.matrix[:count] @ lead
        top = np.argpartition(-cosines, min(limit, count - 1))[:limit] if count > limit else np.arange(count)
        ranked = sorted((-float(cosines[row]), self.ids[row]) for row in top if cosines[row] > 0 and self.ids[row])
        return [story_id for _, story_id in ranked if story_id is not None]
