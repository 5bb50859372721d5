"""Background tasks of the videos package, run through core.jobs (inline without REDIS_URL, an RQ job with retries
with it): `core.jobs.enqueue("kb.videos.jobs:import_source", import_id)`."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

from core.errors import DomainError
from core.extensions import db
from core.models import AuditLog, utcnow
from kb.videos import importer, services
from kb.videos.models import VideoImport

MESSAGES_MAX = 50


def import_source(import_id: int) -> dict:
    """Run the import an editor asked for and record its outcome on the VideoImport. A failed source is recorded
    (and committed, so the editor sees why) and raised again, so that RQ retries it and lists it as failed."""
    record = db.session.get(VideoImport, import_id)
    if record is None:
        raise LookupError(f"VideoImport {import_id} gibt es nicht.")
    record.status, record.error = "running", ""
    db.session.commit()
    try:
        try:  # checked again when the job runs: the name may resolve elsewhere by now
            services.refuse_internal_host(urlsplit(record.source).hostname or "")
        except DomainError as exc:
            raise importer.ImportSourceError(exc.message) from None
        summary = importer.import_source(record.source, download=record.download,
                                         media_dir=Path(current_app.config["MEDIA_DIR"]),
                                         category_slug=record.category_slug, echo=lambda line: None)
    except Exception as exc:
        db.session.rollback()
        record = db.session.get(VideoImport, import_id)
        record.status, record.finished_at = "failed", utcnow()
        record.error = (str(exc) if isinstance(exc, importer.ImportSourceError)
                        else f"Unerwarteter Fehler ({type(exc).__name__}): {importer.one_line(exc)}")[:2000]
        db.session.commit()
        raise
    record.status, record.finished_at = "done", utcnow()
    record.created, record.updated = summary.created, summary.updated
    record.unchanged, record.failed = summary.unchanged, summary.failed
    record.messages = [*summary.errors, *(f"Warnung: {w}" for w in summary.warnings)][:MESSAGES_MAX]
    db.session.add(AuditLog(actor_id=record.requested_by_id, action="video.import", target_type="video_import",
                            target_id=record.id, details={"source": record.source, "download": record.download,
                                                          "summary": summary.line()}))
    db.session.commit()
    return {"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged,
            "failed": summary.failed}
