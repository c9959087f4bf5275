(define (problem plan_trial_T20190907_080808_131313)
(:domain alfred)
(:objects
agent1 - agent
MugType - otype
AppleType - otype
BowlType - otype
SinkBasinType - rtype
CoffeeMachineType - rtype
DiningTableType - rtype
FridgeType - rtype
Mug_bar__minus_01_dot_30_bar__plus_00_dot_96_bar__plus_00_dot_50 - object
Apple_bar__minus_01_dot_20_bar__plus_00_dot_98_bar__plus_00_dot_70 - object
Bowl_bar__minus_01_dot_40_bar__plus_00_dot_96_bar__plus_00_dot_40 - object
Sink_bar__minus_01_dot_90_bar__plus_00_dot_97_bar__minus_01_dot_50_bar_SinkBasin - receptacle
CoffeeMachine_bar__minus_00_dot_50_bar__plus_00_dot_90_bar__minus_02_dot_40 - receptacle
DiningTable_bar__minus_01_dot_30_bar__plus_00_dot_00_bar__plus_00_dot_60 - receptacle
Fridge_bar__minus_02_dot_10_bar__plus_00_dot_00_bar__plus_01_dot_09 - receptacle
loc_bar_0_bar_0_bar_0_bar_30 - location
loc_bar__minus_7_bar__minus_6_bar_3_bar_30 - location
loc_bar__minus_2_bar__minus_7_bar_2_bar_30 - location
loc_bar__minus_5_bar_2_bar_3_bar_30 - location
loc_bar__minus_8_bar_4_bar_3_bar_0 - location
loc_bar__minus_5_bar_2_bar_3_bar_60 - location
loc_bar__minus_5_bar_3_bar_3_bar_60 - location
loc_bar__minus_6_bar_2_bar_3_bar_60 - location
)

(:init

(atLocation agent1 loc_bar_0_bar_0_bar_0_bar_30)
(canContain SinkBasinType MugType)
(canContain SinkBasinType AppleType)
(canContain CoffeeMachineType MugType)
(canContain DiningTableType MugType)
(canContain DiningTableType AppleType)
(canContain DiningTableType BowlType)
(canContain FridgeType AppleType)
(canContain FridgeType MugType)
(canContain FridgeType BowlType)
(receptacleType Sink_bar__minus_01_dot_90_bar__plus_00_dot_97_bar__minus_01_dot_50_bar_SinkBasin SinkBasinType)
(receptacleAtLocation Sink_bar__minus_01_dot_90_bar__plus_00_dot_97_bar__minus_01_dot_50_bar_SinkBasin loc_bar__minus_7_bar__minus_6_bar_3_bar_30)
(receptacleType CoffeeMachine_bar__minus_00_dot_50_bar__plus_00_dot_90_bar__minus_02_dot_40 CoffeeMachineType)
(receptacleAtLocation CoffeeMachine_bar__minus_00_dot_50_bar__plus_00_dot_90_bar__minus_02_dot_40 loc_bar__minus_2_bar__minus_7_bar_2_bar_30)
(receptacleType DiningTable_bar__minus_01_dot_30_bar__plus_00_dot_00_bar__plus_00_dot_60 DiningTableType)
(receptacleAtLocation DiningTable_bar__minus_01_dot_30_bar__plus_00_dot_00_bar__plus_00_dot_60 loc_bar__minus_5_bar_2_bar_3_bar_30)
(receptacleType Fridge_bar__minus_02_dot_10_bar__plus_00_dot_00_bar__plus_01_dot_09 FridgeType)
(receptacleAtLocation Fridge_bar__minus_02_dot_10_bar__plus_00_dot_00_bar__plus_01_dot_09 loc_bar__minus_8_bar_4_bar_3_bar_0)
(openable Fridge_bar__minus_02_dot_10_bar__plus_00_dot_00_bar__plus_01_dot_09)
(objectType Mug_bar__minus_01_dot_30_bar__plus_00_dot_96_bar__plus_00_dot_50 MugType)
(inReceptacle Mug_bar__minus_01_dot_30_bar__plus_00_dot_96_bar__plus_00_dot_50 DiningTable_bar__minus_01_dot_30_bar__plus_00_dot_00_bar__plus_00_dot_60)
(objectAtLocation Mug_bar__minus_01_dot_30_bar__plus_00_dot_96_bar__plus_00_dot_50 loc_bar__minus_5_bar_2_bar_3_bar_60)
(pickupable Mug_bar__minus_01_dot_30_bar__plus_00_dot_96_bar__plus_00_dot_50)
(cleanable Mug_bar__minus_01_dot_30_bar__plus_00_dot_96_bar__plus_00_dot_50)
(heatable Mug_bar__minus_01_dot_30_bar__plus_00_dot_96_bar__plus_00_dot_50)
(coolable Mug_bar__minus_01_dot_30_bar__plus_00_dot_96_bar__plus_00_dot_50)
(isReceptacleObject Mug_bar__minus_01_dot_30_bar__plus_00_dot_96_bar__plus_00_dot_50)
(objectType Apple_bar__minus_01_dot_20_bar__plus_00_dot_98_bar__plus_00_dot_70 AppleType)
(inReceptacle Apple_bar__minus_01_dot_20_bar__plus_00_dot_98_bar__plus_00_dot_70 DiningTable_bar__minus_01_dot_30_bar__plus_00_dot_00_bar__plus_00_dot_60)
(objectAtLocation Apple_bar__minus_01_dot_20_bar__plus_00_dot_98_bar__plus_00_dot_70 loc_bar__minus_5_bar_3_bar_3_bar_60)
(pickupable Apple_bar__minus_01_dot_20_bar__plus_00_dot_98_bar__plus_00_dot_70)
(heatable Apple_bar__minus_01_dot_20_bar__plus_00_dot_98_bar__plus_00_dot_70)
(coolable Apple_bar__minus_01_dot_20_bar__plus_00_dot_98_bar__plus_00_dot_70)
(cleanable Apple_bar__minus_01_dot_20_bar__plus_00_dot_98_bar__plus_00_dot_70)
(sliceable Apple_bar__minus_01_dot_20_bar__plus_00_dot_98_bar__plus_00_dot_70)
(objectType Bowl_bar__minus_01_dot_40_bar__plus_00_dot_96_bar__plus_00_dot_40 BowlType)
(inReceptacle Bowl_bar__minus_01_dot_40_bar__plus_00_dot_96_bar__plus_00_dot_40 DiningTable_bar__minus_01_dot_30_bar__plus_00_dot_00_bar__plus_00_dot_60)
(objectAtLocation Bowl_bar__minus_01_dot_40_bar__plus_00_dot_96_bar__plus_00_dot_40 loc_bar__minus_6_bar_2_bar_3_bar_60)
(pickupable Bowl_bar__minus_01_dot_40_bar__plus_00_dot_96_bar__plus_00_dot_40)
(cleanable Bowl_bar__minus_01_dot_40_bar__plus_00_dot_96_bar__plus_00_dot_40)
(isReceptacleObject Bowl_bar__minus_01_dot_40_bar__plus_00_dot_96_bar__plus_00_dot_40)
)

(:goal
     (and
        (exists (?r - receptacle)
            (exists (?o - object)
                (and
                    (objectType ?o BowlType)
                    (receptacleType ?r FridgeType)
                    (inReceptacle ?o ?r)
                )
            )
        )
     )
)
)
