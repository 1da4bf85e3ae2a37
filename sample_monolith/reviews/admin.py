from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline

from reviews.models import Comment, Review


class CommentInline(GenericTabularInline):
    model = Comment
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["product", "user", "rating", "created_at"]
    list_filter = ["rating"]
    raw_id_fields = ["product", "user"]
    inlines = [CommentInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["user", "content_type", "object_id", "created_at"]
    raw_id_fields = ["user"]
