package dev.mmrag.onnx;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import org.w3c.dom.Node;

/**
 * Where the first frame of a GIF lies, and the picture Pillow makes of it. ImageIO's GIF reader returns the frame
 * alone; Pillow returns the whole logical screen (enlarged to hold the frame when the frame reaches past it), with
 * the frame drawn at its position and every other pixel set to palette index 0, or to the frame's transparent
 * index when it has one. A frame that covers the screen exactly, the usual case, is the picture itself.
 *
 * <p>Read from the file's headers (the logical screen descriptor, the frame's image descriptor and graphic control
 * extension), before any pixel is decoded, so that the pixel limit can be checked on the canvas's size.
 *
 * <p>Thread-safety: immutable.
 *
 * @param width the canvas's width
 * @param height the canvas's height
 * @param left the frame's first column on the canvas
 * @param top the frame's first row on the canvas
 * @param fillIndex the palette index of the pixels the frame does not cover
 */
record GifCanvas(int width, int height, int left, int top, int fillIndex) {

    private static final String STREAM_FORMAT = "javax_imageio_gif_stream_1.0";
    private static final String IMAGE_FORMAT = "javax_imageio_gif_image_1.0";

    /**
     * @param reader a GIF reader with its input set
     * @return where the first frame lies
     * @throws IOException when the headers cannot be read
     */
    static GifCanvas of(ImageReader reader) throws IOException {
        int frameWidth = reader.getWidth(0);
        int frameHeight = reader.getHeight(0);
        IIOMetadata stream = reader.getStreamMetadata();
        IIOMetadataNode screen = stream == null ? null : child(stream.getAsTree(STREAM_FORMAT), "LogicalScreenDescriptor");
        IIOMetadataNode frameTree = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree(IMAGE_FORMAT);
        IIOMetadataNode descriptor = child(frameTree, "ImageDescriptor");
        IIOMetadataNode control = child(frameTree, "GraphicControlExtension");
        int left = descriptor == null ? 0 : intAttribute(descriptor, "imageLeftPosition");
        int top = descriptor == null ? 0 : intAttribute(descriptor, "imageTopPosition");
        int screenWidth = screen == null ? frameWidth : intAttribute(screen, "logicalScreenWidth");
        int screenHeight = screen == null ? frameHeight : intAttribute(screen, "logicalScreenHeight");
        boolean transparent = control != null && "TRUE".equals(control.getAttribute("transparentColorFlag"));
        return new GifCanvas(Math.max(screenWidth, left + frameWidth), Math.max(screenHeight, top + frameHeight), left,
                top, transparent ? intAttribute(control, "transparentColorIndex") : 0);
    }

    /**
     * @param frame the decoded first frame
     * @return the picture Pillow makes of it: the frame itself when it covers the canvas, else the canvas
     */
    RgbImage paint(BufferedImage frame) {
        RgbImage pixels = RgbImage.of(frame);
        if (left == 0 && top == 0 && width == pixels.width() && height == pixels.height()) {
            return pixels;
        }
        byte[] fill = new byte[3];
        if (frame.getColorModel() instanceof IndexColorModel palette && fillIndex < palette.getMapSize()) {
            fill[0] = (byte) palette.getRed(fillIndex);
            fill[1] = (byte) palette.getGreen(fillIndex);
            fill[2] = (byte) palette.getBlue(fillIndex);
        }
        byte[] rgb = new byte[3 * width * height];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = fill[0];
            rgb[i + 1] = fill[1];
            rgb[i + 2] = fill[2];
        }
        int rows = Math.min(pixels.height(), height - top);
        int columns = Math.min(pixels.width(), width - left);
        for (int y = 0; y < rows; y++) {
            for (int x = 0, i = 3 * ((top + y) * width + left); x < columns; x++) {
                for (int c = 0; c < 3; c++) {
                    rgb[i++] = (byte) pixels.sample(x, y, c);
                }
            }
        }
        return RgbImage.packed(rgb, width, height);
    }

    private static IIOMetadataNode child(Node parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (name.equals(node.getNodeName())) {
                return (IIOMetadataNode) node;
            }
        }
        return null;
    }

    private static int intAttribute(IIOMetadataNode node, String name) throws IOException {
        String value = node.getAttribute(name);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IOException("the GIF's " + node.getNodeName() + " has " + name + " '" + value + "'", e);
        }
    }
}
