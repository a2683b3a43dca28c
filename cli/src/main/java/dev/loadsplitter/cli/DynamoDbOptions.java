package dev.loadsplitter.cli;

import dev.loadsplitter.local.aws.ItemCapacity;
import dev.loadsplitter.local.aws.LocalAwsSettings;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How strict the local DynamoDB endpoint is, which run and serve share: the capacity one item takes
 * before it is throttled. The transaction window is an option of each command, since their defaults
 * differ.
 */
final class DynamoDbOptions {

    @Option(
            names = "--dynamodb-item-write-units",
            defaultValue = "1000",
            paramLabel = "UNITS",
            description = "Write capacity units a second one item of the local DynamoDB takes before it is "
                    + "throttled (ThrottlingException; a transaction is cancelled with ThrottlingError), as a DynamoDB "
                    + "partition takes 1,000; a write costs a unit per KB, a transactional one twice that; 1 to "
                    + "1000000 (default: ${DEFAULT-VALUE}).")
    long writeUnits;

    @Option(
            names = "--dynamodb-item-read-units",
            defaultValue = "3000",
            paramLabel = "UNITS",
            description = "Read capacity units a second one item takes before it is throttled, as a DynamoDB "
                    + "partition takes 3,000; a consistent read costs a unit per 4 KB, an eventually consistent one "
                    + "half; 1 to 1000000 (default: ${DEFAULT-VALUE}).")
    long readUnits;

    /** The endpoint's settings with {@code window} and these capacities. */
    LocalAwsSettings settings(Duration window, String windowOption) {
        if (window.isNegative() || window.compareTo(LocalAwsSettings.MAX_TRANSACTION_WINDOW) > 0) {
            throw new UsageException(windowOption + " must be from 0s to "
                    + LocalAwsSettings.MAX_TRANSACTION_WINDOW.toSeconds() + "s, got " + window + ".");
        }
        for (long units : new long[] {writeUnits, readUnits}) {
            if (units < 1 || units > ItemCapacity.MAX_UNITS_PER_SECOND) {
                throw new UsageException(
                        (units == writeUnits ? "--dynamodb-item-write-units" : "--dynamodb-item-read-units")
                                + " must be from 1 to " + ItemCapacity.MAX_UNITS_PER_SECOND + ", got " + units + ".");
            }
        }
        return LocalAwsSettings.defaults()
                .withTransactionWindow(window)
                .withItemCapacity(ItemCapacity.DYNAMODB
                        .withWriteUnitsPerSecond(writeUnits)
                        .withReadUnitsPerSecond(readUnits));
    }
}
