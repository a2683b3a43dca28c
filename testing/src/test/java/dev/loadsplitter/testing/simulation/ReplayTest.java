package dev.loadsplitter.testing.simulation;

import org.junit.jupiter.api.Test;

/** Replays one torture schedule given by -Dreplay=items,k,fanOut,batch,maxReceive,faultPercent,poison,seed. */
class ReplayTest {

    @Test
    void replay() {
        String sample = System.getProperty("replay");
        if (sample != null) {
            TortureTest.replay(sample);
        }
    }
}
