from django.contrib import admin

from chainboard.imports.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "filename",
        "status",
        "actor",
        "total_rows",
        "error_count",
        "created_at",
    )
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in ImportBatch._meta.fields]
