package io.hybridcast.simulator.physics;

/**
 * The stage sums of Dormand-Prince 8(5,3) with its coefficients written out as constants, so that the JIT compiles
 * each into straight-line code with no loads of weights or stage indices and no test for zero weights. The constants
 * are Hipparchus' own ({@code DormandPrince853Integrator.getA/getB} and the dense-output matrix {@code D} of
 * {@code DormandPrince853StateInterpolator}), printed with {@link Double#toString} (which reads back to the same
 * double) and only their non-zero entries; each sum adds its terms in the order of a loop over the stages, so the
 * results are bit for bit those of that loop. {@link ContinuousTrajectory} checks every constant against Hipparchus
 * when it is loaded ({@link #check}), so a Hipparchus with other coefficients fails at once instead of integrating
 * wrongly.
 */
final class Dp853Stages {

    private Dp853Stages() {
    }

    /**
     * {@code out = start + step · Σ_l w[l] · k[l]} with {@code w} = {@code a[row-1][0..row-1]} for rows 1..15 and
     * {@code b[0..11]} for row 16; stage 0 always, the other stages where the weight is not zero.
     */
    static void combine(int row, double[][] k, double[] start, double step, double[] out, int dim) {
        switch (row) {
            case 1 -> {
                double[] k0 = k[0];
                for (int j = 0; j < dim; j++) {
                    out[j] = start[j] + step * ((0.05260015195876774) * k0[j]);
                }
            }
            case 2 -> {
                double[] k0 = k[0];
                double[] k1 = k[1];
                for (int j = 0; j < dim; j++) {
                    out[j] = start[j] + step * ((0.0197250569845379) * k0[j] + (0.0591751709536137) * k1[j]);
                }
            }
            case 3 -> {
                double[] k0 = k[0];
                double[] k2 = k[2];
                for (int j = 0; j < dim; j++) {
                    out[j] = start[j] + step * ((0.02958758547680685) * k0[j] + (0.08876275643042056) * k2[j]);
                }
            }
            case 4 -> {
                double[] k0 = k[0];
                double[] k2 = k[2];
                double[] k3 = k[3];
                for (int j = 0; j < dim; j++) {
                    out[j] = start[j] + step * ((0.24136513415926666) * k0[j] + (-0.884549479328286) * k2[j] + (0.9248340032617919) * k3[j]);
                }
            }
            case 5 -> {
                double[] k0 = k[0];
                double[] k3 = k[3];
                double[] k4 = k[4];
                for (int j = 0; j < dim; j++) {
                    out[j] = start[j] + step * ((0.037037037037037035) * k0[j] + (0.1708286087294739) * k3[j] + (0.12546768756682242) * k4[j]);
                }
            }
            case 6 -> {
                double[] k0 = k[0];
                double[] k3 = k[3];
                double[] k4 = k[4];
                double[] k5 = k[5];
                for (int j = 0; j < dim; j++) {
                    out[j] = start[j] + step * ((0.037109375) * k0[j] + (0.17025221101954402) * k3[j] + (0.060216538980455966) * k4[j] + (-0.017578125) * k5[j]);
                }
            }
            case 7 -> {
                double[] k0 = k[0];
                double[] k3 = k[3];
                double[] k4 = k[4];
                double[] k5 = k[5];
                double[] k6 = k[6];
                for (int j = 0; j < dim; j++) {
                    out[j] = start[j] + step * ((0.03709200011850479) * k0[j] + (0.17038392571223998) * k3[j] + (0.1072620304463733) * k4[j] + (-0.015319437748624402) * k5[j] + (0.008273789163814023) * k6[j]);
                }
            }
            case 8 -> {
                double[] k0 = k[0];
                double[] k3 = k[3];
                double[] k4 = k[4];
                double[] k5 = k[5];
                double[] k6 = k[6];
                double[] k7 = k[7];
                for (int j = 0; j < dim; j++) {
                    out[j] = start[j] + step * ((0.6241109587160757) * k0[j] + (-3.360892629446941) * k3[j] + (-0.8682193468417261) * k4[j] + (27.59209969944671) * k5[j] + (20.154067550477894) * k6[j] + (-43.48988418106996) * k7[j]);
                }
            }
            case 9 -> {
                double[] k0 = k[0];
                double[] k3 = k[3];
                double[] k4 = k[4];
                double[] k5 = k[5];
                double[] k6 = k[6];
                double[] k7 = k[7];
                double[] k8 = k[8];
                for (int j = 0; j < dim; j++) {
                    out[j] = start[j] + step * ((0.47766253643826434) * k0[j] + (-2.4881146199716677) * k3[j] + (-0.5902908268368431) * k4[j] + (21.230051448181193) * k5[j] + (15.279233632882423) * k6[j] + (-33.28821096898486) * k7[j] + (-0.020331201708508627) * k8[j]);
                }
            }
            case 10 -> {
                double[] k0 = k[0];
                double[] k3 = k[3];
                double[] k4 = k[4];
                double[] k5 = k[5];
                double[] k6 = k[6];
                double[] k7 = k[7];
                double[] k8 = k[8];
                double[] k9 = k[9];
                for (int j = 0; j < dim; j++) {
                    out[j] = start[j] + step * ((-0.9371424300859873) * k0[j] + (5.186372428844064) * k3[j] + (1.09143734899673) * k4[j] + (-8.149787010746927) * k5[j] + (-18.52006565999696) * k6[j] + (22.739487099350505) * k7[j] + (2.4936055526796523) * k8[j] + (-3.0467644718982196) * k9[j]);
                }
            }
            case 11 -> {
                double[] k0 = k[0];
                double[] k3 = k[3];
                double[] k4 = k[4];
                double[] k5 = k[5];
                double[] k6 = k[6];
                double[] k7 = k[7];
                double[] k8 = k[8];
                double[] k9 = k[9];
                double[] k10 = k[10];
                for (int j = 0; j < dim; j++) {
                    out[j] = start[j] + step * ((2.273310147516538) * k0[j] + (-10.53449546673725) * k3[j] + (-2.000872058224863) * k4[j] + (-17.9589318631188) * k5[j] + (27.94888452941996) * k6[j] + (-2.8589982771350235) * k7[j] + (-8.87285693353063) * k8[j] + (12.360567175794303) * k9[j] + (0.6433927460157636) * k10[j]);
                }
            }
            case 12 -> {
                double[] k0 = k[0];
                double[] k5 = k[5];
                double[] k6 = k[6];
                double[] k7 = k[7];
                double[] k8 = k[8];
                double[] k9 = k[9];
                double[] k10 = k[10];
                double[] k11 = k[11];
                for (int j = 0; j < dim; j++) {
                    out[j] = start[j] + step * ((0.054293734116568765) * k0[j] + (4.450312892752409) * k5[j] + (1.8915178993145003) * k6[j] + (-5.801203960010585) * k7[j] + (0.3111643669578199) * k8[j] + (-0.1521609496625161) * k9[j] + (0.20136540080403034) * k10[j] + (0.04471061572777259) * k11[j]);
                }
            }
            case 13 -> {
                double[] k0 = k[0];
                double[] k6 = k[6];
                double[] k7 = k[7];
                double[] k8 = k[8];
                double[] k9 = k[9];
                double[] k10 = k[10];
                double[] k11 = k[11];
                double[] k12 = k[12];
                for (int j = 0; j < dim; j++) {
                    out[j] = start[j] + step * ((0.056167502283047954) * k0[j] + (0.25350021021662483) * k6[j] + (-0.2462390374708025) * k7[j] + (-0.12419142326381637) * k8[j] + (0.15329179827876568) * k9[j] + (0.00820105229563469) * k10[j] + (0.007567897660545699) * k11[j] + (-0.008298) * k12[j]);
                }
            }
            case 14 -> {
                double[] k0 = k[0];
                double[] k5 = k[5];
                double[] k6 = k[6];
                double[] k7 = k[7];
                double[] k10 = k[10];
                double[] k11 = k[11];
                double[] k12 = k[12];
                double[] k13 = k[13];
                for (int j = 0; j < dim; j++) {
                    out[j] = start[j] + step * ((0.03183464816350214) * k0[j] + (0.028300909672366776) * k5[j] + (0.053541988307438566) * k6[j] + (-0.05492374857139099) * k7[j] + (-1.0834732869724932E-4) * k10[j] + (3.825710908356584E-4) * k11[j] + (-3.4046500868740456E-4) * k12[j] + (0.1413124436746325) * k13[j]);
                }
            }
            case 15 -> {
                double[] k0 = k[0];
                double[] k5 = k[5];
                double[] k6 = k[6];
                double[] k7 = k[7];
                double[] k8 = k[8];
                double[] k12 = k[12];
                double[] k13 = k[13];
                double[] k14 = k[14];
                for (int j = 0; j < dim; j++) {
                    out[j] = start[j] + step * ((-0.42889630158379194) * k0[j] + (-4.697621415361164) * k5[j] + (7.683421196062599) * k6[j] + (4.06898981839711) * k7[j] + (0.3567271874552811) * k8[j] + (-0.0013990241651590145) * k12[j] + (2.9475147891527724) * k13[j] + (-9.15095847217987) * k14[j]);
                }
            }
            case 16 -> {
                double[] k0 = k[0];
                double[] k5 = k[5];
                double[] k6 = k[6];
                double[] k7 = k[7];
                double[] k8 = k[8];
                double[] k9 = k[9];
                double[] k10 = k[10];
                double[] k11 = k[11];
                for (int j = 0; j < dim; j++) {
                    out[j] = start[j] + step * ((0.054293734116568765) * k0[j] + (4.450312892752409) * k5[j] + (1.8915178993145003) * k6[j] + (-5.801203960010585) * k7[j] + (0.3111643669578199) * k8[j] + (-0.1521609496625161) * k9[j] + (0.20136540080403034) * k10[j] + (0.04471061572777259) * k11[j]);
                }
            }
            default -> throw new IllegalArgumentException("no stage row " + row);
        }
    }

    /** {@code v = 0.0 + Σ_i D[term][i] · k[i]} over the non-zero entries of row {@code term} of the matrix D. */
    static void denseTerm(int term, double[][] k, double[] v, int dim) {
        switch (term) {
            case 0 -> {
                double[] k0 = k[0];
                double[] k5 = k[5];
                double[] k6 = k[6];
                double[] k7 = k[7];
                double[] k8 = k[8];
                double[] k9 = k[9];
                double[] k10 = k[10];
                double[] k11 = k[11];
                for (int d = 0; d < dim; d++) {
                    v[d] = 0.0 + (0.054293734116568765) * k0[d] + (4.450312892752409) * k5[d] + (1.8915178993145003) * k6[d] + (-5.801203960010585) * k7[d] + (0.3111643669578199) * k8[d] + (-0.1521609496625161) * k9[d] + (0.20136540080403034) * k10[d] + (0.04471061572777259) * k11[d];
                }
            }
            case 1 -> {
                double[] k0 = k[0];
                double[] k5 = k[5];
                double[] k6 = k[6];
                double[] k7 = k[7];
                double[] k8 = k[8];
                double[] k9 = k[9];
                double[] k10 = k[10];
                double[] k11 = k[11];
                for (int d = 0; d < dim; d++) {
                    v[d] = 0.0 + (0.9457062658834312) * k0[d] + (-4.450312892752409) * k5[d] + (-1.8915178993145003) * k6[d] + (5.801203960010585) * k7[d] + (-0.3111643669578199) * k8[d] + (0.1521609496625161) * k9[d] + (-0.20136540080403034) * k10[d] + (-0.04471061572777259) * k11[d];
                }
            }
            case 2 -> {
                double[] k0 = k[0];
                double[] k5 = k[5];
                double[] k6 = k[6];
                double[] k7 = k[7];
                double[] k8 = k[8];
                double[] k9 = k[9];
                double[] k10 = k[10];
                double[] k11 = k[11];
                double[] k12 = k[12];
                for (int d = 0; d < dim; d++) {
                    v[d] = 0.0 + (-0.8914125317668625) * k0[d] + (8.900625785504818) * k5[d] + (3.7830357986290006) * k6[d] + (-11.60240792002117) * k7[d] + (0.6223287339156398) * k8[d] + (-0.3043218993250322) * k9[d] + (0.4027308016080607) * k10[d] + (0.08942123145554517) * k11[d] + (-1.0) * k12[d];
                }
            }
            case 3 -> {
                double[] k0 = k[0];
                double[] k5 = k[5];
                double[] k6 = k[6];
                double[] k7 = k[7];
                double[] k8 = k[8];
                double[] k9 = k[9];
                double[] k10 = k[10];
                double[] k11 = k[11];
                double[] k12 = k[12];
                double[] k13 = k[13];
                double[] k14 = k[14];
                double[] k15 = k[15];
                for (int d = 0; d < dim; d++) {
                    v[d] = 0.0 + (-8.428938276109013) * k0[d] + (0.5667149535193777) * k5[d] + (-3.0689499459498917) * k6[d] + (2.38466765651207) * k7[d] + (2.1170345824450285) * k8[d] + (-0.871391583777973) * k9[d] + (2.2404374302607883) * k10[d] + (0.6315787787694688) * k11[d] + (-0.08899033645133331) * k12[d] + (18.148505520854727) * k13[d] + (-9.194632392478356) * k14[d] + (-4.436036387594894) * k15[d];
                }
            }
            case 4 -> {
                double[] k0 = k[0];
                double[] k5 = k[5];
                double[] k6 = k[6];
                double[] k7 = k[7];
                double[] k8 = k[8];
                double[] k9 = k[9];
                double[] k10 = k[10];
                double[] k11 = k[11];
                double[] k12 = k[12];
                double[] k13 = k[13];
                double[] k14 = k[14];
                double[] k15 = k[15];
                for (int d = 0; d < dim; d++) {
                    v[d] = 0.0 + (10.427508642579134) * k0[d] + (242.28349177525817) * k5[d] + (165.20045171727028) * k6[d] + (-374.5467547226902) * k7[d] + (-22.113666853125302) * k8[d] + (7.733432668472264) * k9[d] + (-30.674084731089398) * k10[d] + (-9.332130526430229) * k11[d] + (15.697238121770845) * k12[d] + (-31.139403219565178) * k13[d] + (-9.35292435884448) * k14[d] + (35.81684148639408) * k15[d];
                }
            }
            case 5 -> {
                double[] k0 = k[0];
                double[] k5 = k[5];
                double[] k6 = k[6];
                double[] k7 = k[7];
                double[] k8 = k[8];
                double[] k9 = k[9];
                double[] k10 = k[10];
                double[] k11 = k[11];
                double[] k12 = k[12];
                double[] k13 = k[13];
                double[] k14 = k[14];
                double[] k15 = k[15];
                for (int d = 0; d < dim; d++) {
                    v[d] = 0.0 + (19.985053242002433) * k0[d] + (-387.0373087493518) * k5[d] + (-189.17813819516758) * k6[d] + (527.8081592054236) * k7[d] + (-11.573902539959631) * k8[d] + (6.8812326946963) * k9[d] + (-1.0006050966910838) * k10[d] + (0.7777137798053443) * k11[d] + (-2.778205752353508) * k12[d] + (-60.19669523126412) * k13[d] + (84.32040550667716) * k14[d] + (11.99229113618279) * k15[d];
                }
            }
            case 6 -> {
                double[] k0 = k[0];
                double[] k5 = k[5];
                double[] k6 = k[6];
                double[] k7 = k[7];
                double[] k8 = k[8];
                double[] k9 = k[9];
                double[] k10 = k[10];
                double[] k11 = k[11];
                double[] k12 = k[12];
                double[] k13 = k[13];
                double[] k14 = k[14];
                double[] k15 = k[15];
                for (int d = 0; d < dim; d++) {
                    v[d] = 0.0 + (-25.69393346270375) * k0[d] + (-154.18974869023643) * k5[d] + (-231.5293791760455) * k6[d] + (357.6391179106141) * k7[d] + (93.4053241836243) * k8[d] + (-37.45832313645163) * k9[d] + (104.0996495089623) * k10[d] + (29.8402934266605) * k11[d] + (-43.53345659001114) * k12[d] + (96.32455395918828) * k13[d] + (-39.17726167561544) * k14[d] + (-149.72683625798564) * k15[d];
                }
            }
            default -> throw new IllegalArgumentException("no dense-output term " + term);
        }
    }

    /**
     * Checks every constant against the given tableau: with one stage derivative 1 and the others 0, a row's sum is
     * exactly that stage's weight.
     */
    static void check(double[][] a, double[] b, double[][] denseMatrix) {
        for (int row = 1; row <= 16; row++) {
            int stages = row == 16 ? 12 : row;
            for (int l = 0; l < stages; l++) {
                double expected = row == 16 ? b[l] : a[row - 1][l];
                double[] out = new double[1];
                combine(row, unit(l, 16), new double[1], 1.0, out, 1);
                if (Double.doubleToLongBits(out[0] + 0.0) != Double.doubleToLongBits(expected + 0.0)) {
                    throw new IllegalStateException("Dormand-Prince 8(5,3) weight " + l + " of stage row " + row + " is "
                            + expected + " in Hipparchus but " + out[0] + " in " + Dp853Stages.class.getSimpleName());
                }
            }
        }
        for (int term = 0; term < denseMatrix.length; term++) {
            for (int i = 0; i < denseMatrix[term].length; i++) {
                double[] v = new double[1];
                denseTerm(term, unit(i, 16), v, 1);
                if (Double.doubleToLongBits(v[0] + 0.0) != Double.doubleToLongBits(denseMatrix[term][i] + 0.0)) {
                    throw new IllegalStateException("dense-output weight D[" + term + "][" + i + "] is "
                            + denseMatrix[term][i] + " in Hipparchus but " + v[0] + " in "
                            + Dp853Stages.class.getSimpleName());
                }
            }
        }
    }

    private static double[][] unit(int stage, int stages) {
        double[][] k = new double[stages][1];
        k[stage][0] = 1.0;
        return k;
    }
}
