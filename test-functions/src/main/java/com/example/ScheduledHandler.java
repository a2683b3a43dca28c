package com.example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;

/** An EventBridge scheduled event, with its Joda time, read by Lambda's event serializers. */
public class ScheduledHandler implements RequestHandler<ScheduledEvent, String> {

    @Override
    public String handleRequest(ScheduledEvent event, Context context) {
        return event.getDetailType() + " from " + event.getSource() + " at "
                + event.getTime().getYear();
    }
}
