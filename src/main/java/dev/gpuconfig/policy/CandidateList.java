package dev.gpuconfig.policy;

import dev.gpuconfig.catalog.Candidate;

import java.util.List;

/**
 * Stage 3 result: the configurations to try, in order. {@code pinned} when the request named one
 * GPU type; {@code checked} once the compatibility rule has dropped what cannot start;
 * {@code historyChecked} once history.drl has dropped what failed repeatedly.
 */
public class CandidateList {
    private List<Candidate> candidates;
    private final boolean pinned;
    private boolean checked;
    private boolean historyChecked;

    public CandidateList(List<Candidate> candidates, boolean pinned) {
        this.candidates = candidates;
        this.pinned = pinned;
    }

    public List<Candidate> getCandidates() { return candidates; }
    public void setCandidates(List<Candidate> v) { candidates = v; }
    public boolean isPinned() { return pinned; }
    public boolean isChecked() { return checked; }
    public void setChecked(boolean v) { checked = v; }
    public boolean isHistoryChecked() { return historyChecked; }
    public void setHistoryChecked(boolean v) { historyChecked = v; }
}
