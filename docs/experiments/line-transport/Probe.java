import io.hybridcast.avro.*;
import io.hybridcast.simulator.fleet.*;
import io.hybridcast.model.line.*;
import java.time.*;
import java.util.*;

public class Probe {
    static class Sink implements FleetSink {
        final List<SensorReading> r = Collections.synchronizedList(new ArrayList<>());
        final List<SensorTruth> t = Collections.synchronizedList(new ArrayList<>());
        public void reading(SensorReading x) { r.add(x); }
        public void truth(SensorTruth x) { t.add(x); }
        public void flush() {}
        public void close() {}
    }
    public static void main(String[] args) throws Exception {
        int lines = Integer.parseInt(args[0]);
        long samples = Long.parseLong(args[1]);
        long seed = Long.parseLong(args[2]);
        String scen = args.length > 3 ? args[3] : "{\"faults\": []}";
        Sink sink = new Sink();
        try (FleetSimulator f = FleetSimulator.builder().pendulums(0).advectionDiffusion(lines).seed(seed)
                .scenario(Scenario.parse(scen, "p")).rate(Rate.AS_FAST_AS_POSSIBLE).maxRecords(lines * samples)
                .startEventTime(Instant.parse("2026-01-01T00:00:00Z")).sink(sink).build()) {
            f.start(); f.awaitCompletion(Duration.ofSeconds(600));
        }
        RemainderOperator op = RemainderOperator.shipped();
        Map<String, List<SensorReading>> by = new TreeMap<>();
        for (SensorReading x : sink.r) by.computeIfAbsent(x.getSensorId(), k -> new ArrayList<>()).add(x);
        Map<String, List<SensorTruth>> tb = new TreeMap<>();
        for (SensorTruth x : sink.t) tb.computeIfAbsent(x.getSensorId(), k -> new ArrayList<>()).add(x);
        for (var e : by.entrySet()) {
            List<SensorReading> rs = e.getValue();
            rs.sort(Comparator.comparingLong(SensorReading::getSequence));
            for (int end = 49; end < rs.size(); end += 50) {
                double[][] w = new double[50][];
                boolean ev = false;
                for (int k = 0; k < 50; k++) { SensorReading x = rs.get(end - 49 + k);
                    w[k] = x.getValues().stream().mapToDouble(Double::doubleValue).toArray();
                    if (x.getOperatingEvent() != null) ev = true; }
                long seq = rs.get(end).getSequence();
                double c = Double.NaN, d = Double.NaN;
                for (SensorTruth t : tb.get(e.getKey())) if (t.getFromSequence() <= seq && (t.getToSequence() == null || t.getToSequence() >= seq)) {
                    if (t.getUnmodelled().get("c") != null) c = t.getUnmodelled().get("c");
                    if (t.getPhysics().get("D") != null) d = t.getPhysics().get("D"); }
                double[] fit = fit(w, op); double[] fa = fit(w, null);
                double peak = 0; for (double v : w[49]) peak = Math.max(peak, Math.abs(v));
                System.out.printf(Locale.ROOT, "%s %d %.5f %.5f %s %.5f %.5f %.4f %.4f %.4f %.5f %.5f %.5f %.5f%n", e.getKey(), seq, d, c, ev ? "E" : "-",
                        fit[0], fit[1], fit[2], fit[3], peak, fa[0], fa[1], fa[2], fa[3]);
            }
        }
    }
    static double[] grad(double[] v, double dx){double[] o=new double[v.length];for(int i=0;i<v.length;i++){double l=i>0?v[i-1]:0,r=i<v.length-1?v[i+1]:0;o[i]=(r-l)/(2*dx);}return o;}
    /** D, stdD, a, stdA (raw LS, unscaled). */
    static double[] fit(double[][] window, RemainderOperator op) {
        if (WeakForm.hasJump(window)) return new double[]{Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        WeakForm w = WeakForm.of(window, 0.02);
        double[] x1 = WeakForm.laplacian(w.integral(), 0.1);
        double[] x2 = op != null ? op.apply(w.integral()) : grad(w.integral(), 0.1);
        double[] y = w.lhs();
        double s11=0,s12=0,s22=0,s1y=0,s2y=0;
        for (int i=0;i<y.length;i++){s11+=x1[i]*x1[i];s12+=x1[i]*x2[i];s22+=x2[i]*x2[i];s1y+=x1[i]*y[i];s2y+=x2[i]*y[i];}
        double det=s11*s22-s12*s12;
        double d=(s22*s1y-s12*s2y)/det, a=(s11*s2y-s12*s1y)/det;
        double rss=0; for(int i=0;i<y.length;i++){double r=y[i]-d*x1[i]-a*x2[i]; rss+=r*r;}
        double s2=rss/(y.length-2);
        return new double[]{d, Math.sqrt(s2*s22/det), a, Math.sqrt(s2*s11/det)};
    }
}
