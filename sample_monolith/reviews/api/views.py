from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.permissions import IsOwnerOrReadOnly
from reviews.api.serializers import CommentSerializer, ReviewSerializer
from reviews.models import Review


class ReviewViewSet(viewsets.ModelViewSet):
    """Public product reviews; customers write, edit and delete their own."""

    queryset = Review.objects.select_related("user").prefetch_related("comments__user")
    serializer_class = ReviewSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsOwnerOrReadOnly]
    filterset_fields = ["product", "rating"]
    ordering_fields = ["created_at", "rating"]

    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def comments(self, request: Request, pk: str | None = None) -> Response:
        """Add a comment to the review (stored through the generic relation)."""
        serializer = CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save(content_object=self.get_object(), user=request.user)
        return Response(serializer.data, status=status.HTTP_201_CREATED)
