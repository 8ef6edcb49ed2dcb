"""The first upload handler of every request: a file larger than EVIDENCE_MAX_FILE_SIZE is
dropped while it arrives, before anything stores it, and the rest of the form is still read.

Skipping the file rather than stopping the upload keeps the form's other fields: the
questionnaire's answers, posted with the file, are saved whatever the file's fate. The names of
the dropped files' fields are left on the request for the view to explain in French.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


def oversized_fields(request) -> list[str]:
    return getattr(request, "oversized_upload_fields", [])


class SizeLimitUploadHandler(FileUploadHandler):
    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.EVIDENCE_MAX_FILE_SIZE:
            if self.request is not None:
                dropped = getattr(self.request, "oversized_upload_fields", [])
                dropped.append(self.field_name)
                self.request.oversized_upload_fields = dropped
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
