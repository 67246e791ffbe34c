"""The occupation referential and the communes base, each replaced whole by a load."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from matcher.store.audit import Audited
from matcher.store.records import (
    read_frame,
    utc_now,
)

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)


class ReferenceStore(Audited):
    """The occupation referential and the communes base, each replaced whole by a load."""

    def save_referential(self, referential) -> dict[str, int]:
        """Replace the stored referential by ``referential`` (a matcher.referential.Referential),
        in one transaction. Returns the counts stored."""
        import pandas as pd

        r = referential
        definitions = dict(zip(r.texts["code"], r.texts["text"], strict=True))
        codes = r.codes.drop_duplicates("code")
        known = set(codes["code"])
        # ROME 4.0 parent (code_rome_parent), '' for none: codes sharing one are a job family.
        parents = {c: p for c, p in r.parents().items() if p != c}
        skills = r.skills.drop_duplicates(["code", "skill"])
        kinds = skills["kind"] if "kind" in skills else pd.Series("", index=skills.index)
        close = r.close[r.close["code"].isin(known) & r.close["close_code"].isin(known)]
        titles = r.titles[r.titles["code"].isin(known)].drop_duplicates(["code", "title"])
        counts = {"codes": len(codes), "titles": len(titles), "skills": len(skills),
                  "close": len(close.drop_duplicates()), "texts": len(definitions)}  # fmt: skip
        with self.write() as conn:
            for table in ("rome_close", "rome_skills", "rome_titles", "rome_codes",
                          "referential_meta"):  # fmt: skip
                conn.execute(f"DELETE FROM {table}")
            conn.executemany(
                "INSERT INTO rome_codes (code, label, domain, sector, definition, parent) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(c, lab, d or c[:3], sec or "", definitions.get(c, ""), parents.get(c, ""))
                 for c, lab, d, sec in zip(codes["code"], codes["label"], codes["domain"],
                                          codes["sector"], strict=True)],
            )  # fmt: skip
            conn.executemany(
                "INSERT INTO rome_titles (code, title) VALUES (?, ?)",
                zip(titles["code"], titles["title"], strict=True),
            )
            conn.executemany(
                "INSERT INTO rome_skills (code, skill, core, kind) VALUES (?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                [(c, sk, int(bool(core)), k or "")
                 for c, sk, core, k in zip(skills["code"], skills["skill"], skills["core"], kinds,
                                           strict=True) if c in known],
            )  # fmt: skip
            conn.executemany(
                "INSERT INTO rome_close (code, close_code) VALUES (?, ?) ON CONFLICT DO NOTHING",
                zip(close["code"], close["close_code"], strict=True),
            )
            conn.execute(
                "INSERT INTO referential_meta (id, source, loaded_at, counts) VALUES (1, ?, ?, ?)",
                (r.source, utc_now(), json.dumps(counts)),
            )
        log.info("referential %s stored: %s", r.source, counts)
        return counts

    def referential_stamp(self) -> str | None:
        """Source and load time of the stored referential, or None when none is stored."""
        with self.read() as conn:
            row = conn.execute("SELECT source, loaded_at FROM referential_meta").fetchone()
        return None if row is None else f"{row['source']} @ {row['loaded_at']}"

    def referential_info(self) -> dict[str, Any] | None:
        """Source, load time and counts of the stored referential (None when none)."""
        with self.read() as conn:
            row = conn.execute("SELECT source, loaded_at, counts FROM referential_meta").fetchone()
        if row is None:
            return None
        return {"source": row["source"], "loaded_at": row["loaded_at"], **json.loads(row["counts"])}

    def referential_frames(self) -> dict[str, Any] | None:
        """The stored referential as the keyword arguments of matcher.referential.Referential
        (codes, titles, skills, close, source, texts), or None when none is stored."""
        with self.snapshot() as conn:
            meta = conn.execute("SELECT source FROM referential_meta").fetchone()
            if meta is None:
                return None

            def frame(sql: str) -> pd.DataFrame:
                return read_frame(conn, sql)

            codes = frame("SELECT code, label, domain, sector, definition, parent "
                          "FROM rome_codes ORDER BY code")  # fmt: skip
            titles = frame("SELECT code, title FROM rome_titles ORDER BY code, title")
            skills = frame("SELECT code, skill, core, kind FROM rome_skills ORDER BY code, skill")
            close = frame("SELECT code, close_code FROM rome_close ORDER BY code, close_code")
        skills["core"] = skills["core"].astype(bool)
        texts = codes.loc[codes["definition"] != "", ["code", "definition"]].rename(
            columns={"definition": "text"}
        )
        return {
            "codes": codes.drop(columns="definition"),
            "titles": titles,
            "skills": skills,
            "close": close,
            "source": meta["source"],
            "texts": texts.reset_index(drop=True),
        }

    def save_communes(self, frame: pd.DataFrame, source: str) -> int:
        """Replace the stored communes by ``frame`` (code_insee, nom, code_postal, ligne_5,
        latitude, longitude), in one transaction. Returns the number of rows stored."""
        import pandas as pd

        cols = ["code_insee", "nom", "code_postal", "ligne_5", "latitude", "longitude"]
        f = frame.reindex(columns=cols)
        f["ligne_5"] = f["ligne_5"].fillna("")
        rows = [
            (str(i), str(n), str(p), str(l5),
             None if pd.isna(la) else float(la), None if pd.isna(lo) else float(lo))
            for i, n, p, l5, la, lo in f.itertuples(index=False, name=None)
        ]  # fmt: skip
        with self.write() as conn:
            conn.execute("DELETE FROM communes")
            conn.execute("DELETE FROM communes_meta")
            conn.executemany(
                "INSERT INTO communes (code_insee, nom, code_postal, ligne_5, latitude, longitude) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.execute(
                "INSERT INTO communes_meta (id, source, loaded_at, rows) VALUES (1, ?, ?, ?)",
                (source, utc_now(), len(rows)),
            )
        return len(rows)

    def communes_stamp(self) -> str | None:
        with self.read() as conn:
            row = conn.execute("SELECT source, loaded_at FROM communes_meta").fetchone()
        return None if row is None else f"{row['source']} @ {row['loaded_at']}"

    def communes_frame(self) -> pd.DataFrame | None:
        """The stored communes (None when none were loaded)."""
        import pandas as pd

        with self.snapshot() as conn:
            if conn.execute("SELECT 1 FROM communes_meta").fetchone() is None:
                return None
            frame = read_frame(
                conn,
                "SELECT code_insee, nom, code_postal, ligne_5, latitude, longitude FROM communes "
                "ORDER BY id",
            )
        for col in ("latitude", "longitude"):
            frame[col] = pd.to_numeric(frame[col]).astype(float)
        return frame
