from django.apps import AppConfig


class ImagesConfig(AppConfig):
    name = "images"
    verbose_name = "Images"

    def ready(self):
        from django.conf import settings
        from PIL import Image

        # Pillow refuses to decode anything larger; uploads are checked against the same limit
        # from the header first (images.processing), so this only guards other decodes.
        Image.MAX_IMAGE_PIXELS = settings.IMAGES["MAX_PIXELS"]
