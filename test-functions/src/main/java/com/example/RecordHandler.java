package com.example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

/** Java records in and out. */
public class RecordHandler implements RequestHandler<RecordHandler.Point, RecordHandler.Point> {

    /** A point on the plane. */
    public record Point(int x, int y) {}

    @Override
    public Point handleRequest(Point point, Context context) {
        return new Point(point.y(), point.x());
    }
}
