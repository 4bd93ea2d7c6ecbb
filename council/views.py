from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest

from council.access import for_user
from meetings.models import Handout
from reports.models import ReportJob


@login_required
def protected_file(request: HttpRequest, name: str) -> FileResponse:
    """Serve an uploaded handout or a generated report to people of its council only.

    Anything else — another council's file, a guessed path, a file no record points to — is 404,
    so the answer does not tell whether the file exists.
    """
    record = (
        for_user(Handout.objects.filter(file=name), request.user).first()
        or for_user(ReportJob.objects.filter(file=name), request.user).first()
    )
    if record is None or not record.file:
        raise Http404
    content_type = getattr(record, "content_type", "") or mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(record.file.open("rb"), as_attachment=True, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
