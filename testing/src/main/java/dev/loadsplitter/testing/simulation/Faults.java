package dev.loadsplitter.testing.simulation;

/**
 * How often each fault the AWS services produce strikes a simulated call (each a probability from 0
 * to 1, drawn from the schedule's seed). They are the ones ../shared/FAULTS.md lists.
 *
 * @param busy a DynamoDB call refused for now: a transaction conflict or a throttle; nothing applied
 * @param lostAnswer a DynamoDB call applied whose answer is lost: the client gives up with an error
 * @param lostAnswerRetried a DynamoDB call applied whose answer is lost and which the SDK sends again
 * @param crashAfterCall the container dies just after a call to DynamoDB, SQS or EventBridge took effect
 * @param crashBeforeCall the container dies just before a call
 * @param sendDuplicate a SendMessageBatch applied twice (its answer lost, the SDK's retry applied again)
 * @param publishLost a PutEvents applied whose answer is lost
 * @param publishFailed a PutEvents refused (a failed entry)
 * @param workFailed an item's work fails this time (a transient failure)
 * @param crashInWork the container dies in the middle of an item's work
 * @param duplicateDelivery SQS delivers a received message a second time, at once
 * @param invokeThrottled the mapping cannot invoke the function: the batch comes back after its visibility timeout
 * @param kill a container waiting between two calls is killed (a crash at any point)
 * @param restart the whole system restarts: every container dies, queues and records stay
 */
public record Faults(
        double busy,
        double lostAnswer,
        double lostAnswerRetried,
        double crashAfterCall,
        double crashBeforeCall,
        double sendDuplicate,
        double publishLost,
        double publishFailed,
        double workFailed,
        double crashInWork,
        double duplicateDelivery,
        double invokeThrottled,
        double kill,
        double restart) {

    public Faults {
        for (double rate : new double[] {
            busy,
            lostAnswer,
            lostAnswerRetried,
            crashAfterCall,
            crashBeforeCall,
            sendDuplicate,
            publishLost,
            publishFailed,
            workFailed,
            crashInWork,
            duplicateDelivery,
            invokeThrottled,
            kill,
            restart
        }) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("a fault rate is from 0 to 1, got " + rate);
            }
        }
    }

    /** Nothing goes wrong. */
    public static Faults none() {
        return new Faults(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * Every fault of a call at {@code rate}; deaths of a container (just before or after a call,
     * between two, in the middle of work) at a thirtieth of it, since an invocation makes tens of
     * calls and dies at most once; restarts at a hundredth.
     */
    public static Faults all(double rate) {
        double death = rate / 30;
        return new Faults(rate, rate, rate, death, death, rate, rate, rate, rate, death, rate, rate, death, rate / 100);
    }

    /** Whether a completion event can be published twice: its answer lost, or its publisher dead before recording it. */
    boolean mayDuplicateEvents() {
        return publishLost > 0 || crashAfterCall > 0 || kill > 0 || restart > 0 || lostAnswer > 0;
    }
}
