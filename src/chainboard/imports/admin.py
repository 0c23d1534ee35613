from django.contrib import admin

from chainboard.imports.models import ColumnMapping, ImportBatch


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


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ("kind", "source", "file_title", "field", "created_by", "created_at")
    list_filter = ("kind", "source")
    search_fields = ("file_title", "source")
