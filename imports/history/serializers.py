from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import RejectUnknownFieldsMixin
from imports.history.rows import Source
from imports.history.upload import MAX_UPLOAD_BYTES
from imports.models import ImportJob


class ImportUploadSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    file = serializers.FileField(
        help_text=f"A Letterboxd export (ZIP or one of its CSVs), an IMDb ratings, list or watchlist CSV, a Trakt "
        f"export (ZIP or JSON) or a FlixReview export; at most {MAX_UPLOAD_BYTES // 2**20} MB."
    )
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field named like Field.source
        choices=[s.value for s in Source], required=False, help_text="Detected from the file when absent."
    )
    overwrite_ratings = serializers.BooleanField(
        default=False, help_text="Let the file's ratings replace ratings you already have (by default yours stay)."
    )

    def validate_file(self, upload: Any) -> Any:
        if upload.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(
                f"The file is {upload.size / 2**20:.1f} MB; uploads are at most {MAX_UPLOAD_BYTES // 2**20} MB.",
                code="too_large",
            )
        return upload


class ImportCountsSerializer(serializers.Serializer):
    rows = serializers.IntegerField(help_text="Rows read so far, of every file.")
    matched = serializers.IntegerField(help_text="Rows whose film was found.")
    imported = serializers.IntegerField(help_text="Rows that added or changed something.")
    already_present = serializers.IntegerField(help_text="Rows whose fact you already had (nothing written).")
    unmatched = serializers.IntegerField(help_text="Rows no film was found for: see unmatched_url.")
    skipped = serializers.IntegerField(help_text="Rows left out (not a film, or not importable): see unmatched_url.")


class ImportJobSerializer(serializers.ModelSerializer):
    progress = serializers.IntegerField(read_only=True, help_text="0 to 100.")
    total_rows = serializers.IntegerField(source="rows", read_only=True)
    counts = serializers.SerializerMethodField()
    unmatched_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "source",
            "file_name",
            "status",
            "progress",
            "total_rows",
            "counts",
            "overwrite_ratings",
            "error",
            "unmatched_url",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ImportCountsSerializer)
    def get_counts(self, job: ImportJob) -> dict[str, int]:
        counts = {
            "rows": job.rows_done,
            "matched": job.matched,
            "imported": job.imported,
            "already_present": job.already_present,
            "unmatched": job.unmatched,
            "skipped": job.skipped,
        }
        return counts

    def get_unmatched_url(self, job: ImportJob) -> str:
        path = reverse("import-unmatched", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
