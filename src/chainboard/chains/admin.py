from django.contrib import admin

from chainboard.chains.models import Chain, ChainNode, Cluster, ClusterTarget, EnterpriseNode
from chainboard.core.admin import VersionedAdmin, VersionedInline


@admin.register(Chain)
class ChainAdmin(VersionedAdmin):
    list_display = ("name", "region", "category", "code", "template_version", "chief_name")
    list_filter = ("category",)
    search_fields = ("name", "code")
    autocomplete_fields = ("leader_firms",)


@admin.register(ChainNode)
class ChainNodeAdmin(VersionedAdmin):
    list_display = ("name", "chain", "stage", "service_kind", "parent", "order")
    list_filter = ("stage",)
    search_fields = ("name",)


@admin.register(EnterpriseNode)
class EnterpriseNodeAdmin(VersionedAdmin):
    list_display = ("enterprise", "node", "source", "confidence", "state", "reviewed_by")
    list_filter = ("state", "source")
    raw_id_fields = ("enterprise", "node")


class TargetInline(VersionedInline):
    model = ClusterTarget
    extra = 0


@admin.register(Cluster)
class ClusterAdmin(VersionedAdmin):
    list_display = ("name", "region")
    inlines = [TargetInline]
